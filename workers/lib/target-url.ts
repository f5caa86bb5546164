/**
 * What Borde may fetch on a tenant's behalf (a project's site, each page the audit crawler follows):
 * http(s) only, no credentials, and no private, loopback or link-local IP-literal hosts (nor localhost)
 * unless the development-only AUDIT_ALLOW_PRIVATE_TARGETS allows them.
 * Host names are not resolved here (Workers have no DNS API); Cloudflare's egress does not reach
 * private networks, which covers names that resolve to private addresses.
 */
export type TargetCheck = { ok: true; url: URL } | { ok: false; reason: string };

function privateIPv4(host: string): boolean {
  const match = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(host);
  if (!match) return false;
  const [a, b] = [Number(match[1]), Number(match[2])];
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    a >= 224 ||
    (a === 100 && b >= 64 && b <= 127) ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168)
  );
}

function privateIPv6(host: string): boolean {
  if (!host.startsWith("[")) return false;
  const address = host.slice(1, -1).toLowerCase();
  if (address === "::" || address === "::1") return true;
  if (/^f[cd]/.test(address) || /^fe[89ab]/.test(address)) return true;
  // IPv4-mapped (::ffff:a.b.c.d, which URL normalises to hex groups): judge the IPv4 address.
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(address);
  if (mapped) {
    const high = Number.parseInt(mapped[1] ?? "0", 16);
    const low = Number.parseInt(mapped[2] ?? "0", 16);
    return privateIPv4(`${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`);
  }
  return false;
}

const isLocalName = (host: string) => host === "localhost" || host.endsWith(".localhost");

export function checkTargetUrl(value: string, allowPrivate: boolean): TargetCheck {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { ok: false, reason: "is not a valid URL" };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    return { ok: false, reason: "must be http or https" };
  if (url.username || url.password) return { ok: false, reason: "must not contain credentials" };
  const host = url.hostname;
  if (!allowPrivate && (isLocalName(host) || privateIPv4(host) || privateIPv6(host))) {
    return { ok: false, reason: "must not point at a private, loopback or link-local address" };
  }
  return { ok: true, url };
}
