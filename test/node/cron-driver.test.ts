import { describe, expect, it } from "vitest";
import { cronMatches, wranglerCrons } from "../../scripts/lib/cron-driver.ts";
import { ROOT } from "../../scripts/lib/local-stack.ts";

const at = (iso: string) => new Date(iso);

describe("the dev server's cron driver", () => {
  it("matches wrangler.toml's expressions at the minutes Cloudflare fires them", () => {
    expect(cronMatches("* * * * *", at("2026-12-01T10:07:00Z"))).toBe(true);
    expect(cronMatches("*/5 * * * *", at("2026-12-01T10:05:00Z"))).toBe(true);
    expect(cronMatches("*/5 * * * *", at("2026-12-01T10:07:00Z"))).toBe(false);
    expect(cronMatches("0 */6 * * *", at("2026-12-01T18:00:00Z"))).toBe(true);
    expect(cronMatches("0 */6 * * *", at("2026-12-01T19:00:00Z"))).toBe(false);
    expect(cronMatches("15 3 * * *", at("2026-12-01T03:15:00Z"))).toBe(true);
    expect(cronMatches("15 3 * * *", at("2026-12-01T04:15:00Z"))).toBe(false);
  });

  it("reads ranges, lists, steps over ranges and the day of the week", () => {
    // 2026-12-01 is a Tuesday (2).
    expect(cronMatches("0 9-17/4 * * 1-5", at("2026-12-01T13:00:00Z"))).toBe(true);
    expect(cronMatches("0 9-17/4 * * 1-5", at("2026-12-01T15:00:00Z"))).toBe(false);
    expect(cronMatches("0,30 * * * 0,6", at("2026-12-01T10:30:00Z"))).toBe(false);
    expect(cronMatches("30 10 1 12 *", at("2026-12-01T10:30:00Z"))).toBe(true);
    expect(cronMatches("not a cron", at("2026-12-01T10:30:00Z"))).toBe(false);
  });

  it("fires every trigger wrangler.toml declares", () => {
    expect(wranglerCrons(ROOT)).toEqual(expect.arrayContaining(["* * * * *", "*/5 * * * *"]));
  });
});
