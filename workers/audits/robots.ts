import { USER_AGENT } from "./fetch-page.ts";

type Rule = { allow: boolean; path: string };
export type Robots = {
  /** Lines that break the robots.txt grammar (RFC 9309), as `line N: text`. */
  errors: string[];
  sitemaps: string[];
  rules: Rule[];
};

const KNOWN = new Set(["user-agent", "allow", "disallow", "sitemap", "crawl-delay", "host", "clean-param"]);
const BOT_TOKEN = USER_AGENT.split("/")[0]?.toLowerCase() ?? "";

/** Parses robots.txt, keeping the rules of the group that names this bot, or else the `*` group. */
export function parseRobots(text: string): Robots {
  const errors: string[] = [];
  const sitemaps: string[] = [];
  const groups: { agents: string[]; rules: Rule[] }[] = [];
  let current: { agents: string[]; rules: Rule[] } | undefined;
  let lastWasAgent = false;
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.replace(/#.*$/, "").trim();
    if (!line) return;
    const match = /^([A-Za-z-]+)\s*:\s*(.*)$/.exec(line);
    const directive = match?.[1]?.toLowerCase();
    const value = match?.[2]?.trim() ?? "";
    if (!directive || !KNOWN.has(directive)) {
      errors.push(`line ${index + 1}: ${raw.trim()}`);
      return;
    }
    if (directive === "user-agent") {
      if (!lastWasAgent || !current) {
        current = { agents: [], rules: [] };
        groups.push(current);
      }
      current.agents.push(value.toLowerCase());
      lastWasAgent = true;
      return;
    }
    lastWasAgent = false;
    if (directive === "sitemap") {
      if (URL.canParse(value)) sitemaps.push(value);
      else errors.push(`line ${index + 1}: sitemap is not an absolute URL`);
    } else if (directive === "allow" || directive === "disallow") {
      if (!current) errors.push(`line ${index + 1}: ${directive} before any user-agent`);
      else if (value && !value.startsWith("/") && !value.startsWith("*"))
        errors.push(`line ${index + 1}: pattern should start with / or *`);
      else if (value) current.rules.push({ allow: directive === "allow", path: value });
    }
  });
  const mine =
    groups.find((group) => group.agents.some((agent) => agent !== "*" && BOT_TOKEN.startsWith(agent))) ??
    groups.find((group) => group.agents.includes("*"));
  return { errors, sitemaps, rules: mine?.rules ?? [] };
}

function patternMatches(pattern: string, path: string): boolean {
  const anchored = pattern.endsWith("$");
  const body = (anchored ? pattern.slice(0, -1) : pattern)
    .split("*")
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${body}${anchored ? "$" : ""}`).test(path);
}

/** RFC 9309: the longest matching rule wins, and allow wins a tie. */
export function robotsAllows(robots: Robots, url: URL): boolean {
  const path = url.pathname + url.search;
  let best: Rule | undefined;
  for (const rule of robots.rules) {
    if (!patternMatches(rule.path, path)) continue;
    if (!best || rule.path.length > best.path.length || (rule.path.length === best.path.length && rule.allow))
      best = rule;
  }
  return best?.allow ?? true;
}

/** The <loc> entries of a sitemap (or sitemap index). */
export function sitemapLocations(xml: string): string[] {
  const locations: string[] = [];
  for (const match of xml.matchAll(/<loc>\s*([^<\s]+)\s*<\/loc>/gi)) {
    const value = (match[1] ?? "").replace(/&amp;/g, "&");
    if (URL.canParse(value)) locations.push(value);
  }
  return locations;
}
