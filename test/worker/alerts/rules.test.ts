import { beforeAll, describe, expect, it } from "vitest";
import { callAs, createApiKey, registerTenant, type TestAccount } from "../support/identity.ts";
import { HIGH_CPU_RULE } from "./support.ts";

const T0 = Date.UTC(2026, 10, 30, 12, 0, 0);
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

type Preview = {
  steps: {
    time: string;
    alerts: {
      labels: Record<string, string>;
      state: string;
      value: number;
      annotations: Record<string, string>;
    }[];
  }[];
};

let owner: TestAccount;

beforeAll(async () => {
  owner = await registerTenant();
  const writer = { apiKey: (await createApiKey(owner, ["telemetry:write"])).key };
  const values = [1, 8, 8, 8, 8, 1, 1, 1];
  const events = values.map((value, minute) => ({
    type: "metric",
    name: "cpu",
    value,
    labels: { job: "web", host: "a" },
    timestamp: at(minute),
  }));
  expect((await callAs(writer, "POST", "/api/v1/telemetry", { events })).status).toBe(200);
});

async function createRule(body: unknown = HIGH_CPU_RULE) {
  const response = await callAs(owner, "POST", "/api/v1/alerts/rules", body);
  expect(response.status, await response.clone().text()).toBe(201);
  return response.json<{ id: string; severity: string; for_seconds: number }>();
}

describe("alert rules", () => {
  it("creates, reads, lists, changes and deletes a rule", async () => {
    const rule = await createRule();
    expect(rule.severity).toBe("critical");
    const read = await (await callAs(owner, "GET", `/api/v1/alerts/rules/${rule.id}`)).json<{
      name: string;
    }>();
    expect(read.name).toBe("HighCpu");
    const page = await (await callAs(owner, "GET", "/api/v1/alerts/rules")).json<{
      data: { id: string }[];
    }>();
    expect(page.data.map((entry) => entry.id)).toContain(rule.id);
    const changed = await callAs(owner, "PATCH", `/api/v1/alerts/rules/${rule.id}`, {
      threshold: 7,
      enabled: false,
    });
    expect(await changed.json()).toMatchObject({ threshold: 7, enabled: false, for_seconds: 60 });
    expect((await callAs(owner, "DELETE", `/api/v1/alerts/rules/${rule.id}`)).status).toBe(204);
    expect((await callAs(owner, "GET", `/api/v1/alerts/rules/${rule.id}`)).status).toBe(404);
  });

  it("refuses a selector that does not parse and an unknown function with 400", async () => {
    expect(
      (await callAs(owner, "POST", "/api/v1/alerts/rules", { ...HIGH_CPU_RULE, selector: "cpu{" })).status,
    ).toBe(400);
    expect(
      (await callAs(owner, "POST", "/api/v1/alerts/rules", { ...HIGH_CPU_RULE, function: "median" })).status,
    ).toBe(400);
  });

  it("refuses, on create and on change, a regex JavaScript reads but Postgres cannot, so no stored rule fails its evaluations", async () => {
    const unreadable = { ...HIGH_CPU_RULE, selector: 'cpu{host=~"\\\\Qa\\\\E"}' };
    const created = await callAs(owner, "POST", "/api/v1/alerts/rules", unreadable);
    expect(created.status).toBe(400);
    expect(await created.json()).toMatchObject({
      errors: [{ path: "body.selector", message: "a regex is not valid" }],
    });
    const rule = await createRule({ ...HIGH_CPU_RULE, selector: 'cpu{host=~"a|b"}' });
    const changed = await callAs(owner, "PATCH", `/api/v1/alerts/rules/${rule.id}`, {
      selector: unreadable.selector,
    });
    expect(changed.status).toBe(400);
    const read = await (await callAs(owner, "GET", `/api/v1/alerts/rules/${rule.id}`)).json<{
      selector: string;
    }>();
    expect(read.selector).toBe('cpu{host=~"a|b"}');
  });

  it("previews the rule over stored data: pending, then firing, then resolved", async () => {
    const rule = await createRule();
    const response = await callAs(owner, "POST", `/api/v1/alerts/rules/${rule.id}/preview`, {
      start: at(0),
      end: at(7),
      step_seconds: 60,
    });
    expect(response.status, await response.clone().text()).toBe(200);
    const preview = await response.json<Preview>();
    // avg over [t-2m, t]: 1, 4.5, 17/3, 8, 8, 17/3, 10/3, 1.
    expect(preview.steps.map((step) => step.alerts.map((alert) => alert.state).join())).toEqual([
      "",
      "",
      "pending",
      "firing",
      "firing",
      "firing",
      "resolved",
      "resolved",
    ]);
    const firing = preview.steps[3]?.alerts[0];
    expect(firing?.labels).toEqual({ job: "web", host: "a", severity: "critical", alertname: "HighCpu" });
    expect(firing?.annotations).toEqual({ summary: "a at 8" });
  });
});
