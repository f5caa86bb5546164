// Local workerd fires no Cron Triggers by itself (a request to `/cdn-cgi/handler/scheduled` fires one), so
// `npm run dev` fires wrangler.toml's triggers on their schedule, as Cloudflare does in production.
import { readFileSync } from "node:fs";
import { join } from "node:path";

const FIELD_RANGES = [
  [0, 59], // minute
  [0, 23], // hour
  [1, 31], // day of month
  [1, 12], // month
  [0, 6], // day of week, Sunday = 0
] as const;

/** Whether one field of a cron expression (`*`, `*\/n`, `a`, `a-b`, `a-b/n`, lists of them) matches. */
function fieldMatches(field: string, value: number, [low, high]: readonly [number, number]): boolean {
  return field.split(",").some((part) => {
    const [range = "", stepText] = part.split("/");
    const step = stepText === undefined ? 1 : Number(stepText);
    const [from, to] =
      range === "*"
        ? [low, high]
        : range.includes("-")
          ? range.split("-").map(Number)
          : [Number(range), stepText === undefined ? Number(range) : high];
    if (!Number.isInteger(step) || step < 1 || from === undefined || to === undefined) return false;
    return value >= from && value <= to && (value - from) % step === 0;
  });
}

/** Whether a five-field cron expression is due at this minute (UTC, as Cloudflare evaluates them). */
export function cronMatches(expression: string, at: Date): boolean {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) return false;
  const values = [
    at.getUTCMinutes(),
    at.getUTCHours(),
    at.getUTCDate(),
    at.getUTCMonth() + 1,
    at.getUTCDay(),
  ];
  return fields.every((field, index) => {
    const range = FIELD_RANGES[index];
    const value = values[index];
    return range !== undefined && value !== undefined && fieldMatches(field, value, range);
  });
}

/** The `crons` of wrangler.toml's `[triggers]`. */
export function wranglerCrons(root: string): string[] {
  const toml = readFileSync(join(root, "wrangler.toml"), "utf8");
  const list = /^crons\s*=\s*\[([^\]]*)\]/m.exec(toml)?.[1] ?? "";
  return [...list.matchAll(/"([^"]+)"/g)].flatMap((match) => (match[1] ? [match[1]] : []));
}

/**
 * At the start of every minute, fires each trigger due then through `/cdn-cgi/handler/scheduled`, with the
 * minute as its scheduled time (`time`), so a tick is recorded once however late it is fired. Returns a function that stops it.
 */
export function startCronDriver(origin: string, crons: string[], log: (line: string) => void): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const schedule = () => {
    timer = setTimeout(tick, 60_000 - (Date.now() % 60_000));
  };
  const tick = () => {
    const minute = new Date(Math.floor(Date.now() / 60_000) * 60_000);
    for (const cron of crons.filter((expression) => cronMatches(expression, minute))) {
      const url = `${origin}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent(cron)}&time=${minute.getTime()}`;
      fetch(url)
        .then(async (response) => {
          const outcome = await response.text();
          if (!response.ok) log(`cron ${cron} at ${minute.toISOString()}: ${outcome}`);
        })
        .catch((error: unknown) =>
          log(`cron ${cron} at ${minute.toISOString()} not fired: ${String(error)}`),
        );
    }
    schedule();
  };
  schedule();
  return () => clearTimeout(timer);
}
