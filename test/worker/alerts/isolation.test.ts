import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { alertRules } from "../../../workers/alerts/tables.ts";
import { withTestDatabase } from "../support/database.ts";
import { callAs, registerTenant, type TestAccount } from "../support/identity.ts";
import { alertsOf, createRule, storeMinutes, tick } from "./support.ts";

const RULE = {
  name: "B_rule",
  selector: "cpu",
  function: "max_over_time",
  window_seconds: 60,
  comparator: ">",
  threshold: 1,
};

describe("tenant isolation: tenant A calling every alert rule route with tenant B's ids", () => {
  let a: TestAccount;
  let b: TestAccount;
  let bRuleId: string;
  const bRules = () =>
    withTestDatabase((db) => db.select().from(alertRules).where(eq(alertRules.tenantId, b.tenantId)));
  let before: unknown;

  beforeAll(async () => {
    a = await registerTenant();
    b = await registerTenant();
    const created = await callAs(b, "POST", "/api/v1/alerts/rules", RULE);
    bRuleId = (await created.json<{ id: string }>()).id;
    before = await bRules();
  });

  it("lists only its own rules", async () => {
    const page = await (await callAs(a, "GET", "/api/v1/alerts/rules")).json<{ data: unknown[] }>();
    expect(page.data).toEqual([]);
  });

  it("gets 404 reading, changing, previewing or deleting B's rule, and B's rule is unchanged", async () => {
    const path = `/api/v1/alerts/rules/${bRuleId}`;
    expect((await callAs(a, "GET", path)).status).toBe(404);
    expect((await callAs(a, "PATCH", path, { threshold: 9 })).status).toBe(404);
    const range = { start: "2026-11-30T12:00:00Z", end: "2026-11-30T12:05:00Z" };
    expect((await callAs(a, "POST", `${path}/preview`, range)).status).toBe(404);
    expect((await callAs(a, "DELETE", path)).status).toBe(404);
    expect(await bRules()).toEqual(before);
  });
});

describe("tenant isolation: tenant A reading alerts and their history beside tenant B's", () => {
  it("lists none of B's alerts or transitions, even filtering by B's rule", async () => {
    const a = await registerTenant();
    const b = await registerTenant();
    await storeMinutes(b, "cpu", {}, [9]);
    const ruleId = await createRule(b, RULE);
    await tick(b, ruleId, 0);
    expect(await alertsOf(b, `rule_id=${ruleId}`)).toHaveLength(1);
    for (const path of ["/api/v1/alerts", "/api/v1/alerts/history"])
      for (const query of ["", `?rule_id=${ruleId}`, "?state=firing"]) {
        const response = await callAs(a, "GET", `${path}${query}`);
        expect(response.status).toBe(200);
        expect(await response.json()).toEqual({ data: [], next_cursor: null });
      }
  });
});

describe("tenant isolation: tenant A calling every channel and silence route with tenant B's ids", () => {
  it("lists none of B's, and gets 404 reading, changing, expiring or deleting them", async () => {
    const a = await registerTenant();
    const b = await registerTenant();
    const channel = await callAs(b, "POST", "/api/v1/alerts/channels", {
      name: "ops",
      type: "webhook",
      url: "https://hooks.example.com/b",
    });
    const channelId = (await channel.json<{ id: string }>()).id;
    const silence = await callAs(b, "POST", "/api/v1/alerts/silences", {
      matchers: [{ label: "alertname", op: "=", value: "B_rule" }],
      ends_at: new Date(Date.now() + 3_600_000).toISOString(),
      comment: "b's",
    });
    const silenceId = (await silence.json<{ id: string }>()).id;
    for (const path of ["/api/v1/alerts/channels", "/api/v1/alerts/silences"]) {
      const page = await (await callAs(a, "GET", path)).json<{ data: unknown[] }>();
      expect(page.data).toEqual([]);
    }
    const channelPath = `/api/v1/alerts/channels/${channelId}`;
    const silencePath = `/api/v1/alerts/silences/${silenceId}`;
    expect((await callAs(a, "GET", channelPath)).status).toBe(404);
    expect((await callAs(a, "PATCH", channelPath, { enabled: false })).status).toBe(404);
    expect((await callAs(a, "DELETE", channelPath)).status).toBe(404);
    expect((await callAs(a, "GET", silencePath)).status).toBe(404);
    expect((await callAs(a, "POST", `${silencePath}/expire`)).status).toBe(404);
    expect((await callAs(a, "DELETE", silencePath)).status).toBe(404);
    expect(await (await callAs(b, "GET", channelPath)).json()).toMatchObject({ enabled: true });
    const kept = await (await callAs(b, "GET", silencePath)).json<{ ends_at: string }>();
    expect(Date.parse(kept.ends_at)).toBeGreaterThan(Date.now());
  });
});
