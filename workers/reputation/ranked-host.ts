/**
 * How a result is matched to the domain asked about. Without a public-suffix list (a large table for the
 * bundle) the registrable domain cannot be derived, so the domain the caller names is the unit: after
 * lower-casing, punycoding and dropping a leading `www.`, a result matches when its host is that domain
 * or any subdomain of it, on a label boundary. `example.com` matches `www.example.com` and
 * `shop.example.com` but not `notexample.com`; `shop.example.com` matches only itself and its subdomains.
 */

/** The domain to match, from a host name or a URL; null when it is no usable host name. */
export function normaliseDomain(input: string): string | null {
  const text = input.trim().toLowerCase();
  if (text === "" || /[\s@\\]/.test(text)) return null;
  const withScheme = /^https?:\/\//.test(text) ? text : `http://${text}`;
  if (!URL.canParse(withScheme)) return null;
  const url = new URL(withScheme);
  if (url.port !== "" || url.username !== "" || url.password !== "") return null;
  const host = url.hostname.replace(/\.$/, "").replace(/^www\./, "");
  // A host name of at least two labels; an IP address or a single label is not a site's domain.
  if (!/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/.test(host)) return null;
  if (/^[\d.]+$/.test(host)) return null;
  return host;
}

/** Whether a result's link is on the domain (normaliseDomain's output) or one of its subdomains. */
export function linkIsOnDomain(link: string, domain: string): boolean {
  if (!URL.canParse(link)) return false;
  const host = new URL(link).hostname.replace(/\.$/, "").toLowerCase();
  return host === domain || host.endsWith(`.${domain}`);
}

/** The query as it is searched and cached: Unicode-normalised, lower-case, single spaces. */
export const normaliseKeyword = (keyword: string) =>
  keyword.normalize("NFKC").toLowerCase().trim().replace(/\s+/g, " ");
