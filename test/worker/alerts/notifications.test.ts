import { describe, expect, inject, it } from "vitest";
import { callAs, registerTenant, type TestAccount } from "../support/identity.ts";
import {
  alertsOf,
  at,
  createRule,
  notifyAt,
  planAt,
  type ReceivedCall,
  storeMinutes,
  tick,
  verifySignature,
  waitForCalls,
} from "./support.ts";

type WebhookBody = {
  receiver: string;
  status: string;
  group_labels: Record<string, string>;
  common_labels: Record<string, string>;
  alerts: { status: string; labels: Record<string, string>; annotations: Record<string, string> }[];
};

// avg over [t-2m, t] > 5 for 1m: pending at minute 2, firing 3 to 5, resolved at 6.
const CPU = [1, 8, 8, 8, 8, 1, 1, 1];
const rule = (name: string, selector: string) => ({
  name,
  selector,
  function: "avg_over_time",
  window_seconds: 120,
  comparator: ">",
  threshold: 5,
  for_seconds: 60,
  annotations: { summary: "{{ $labels.host }} at {{ $value }}" },
});

const hookPath = () => `/hooks/${crypto.randomUUID()}`;

async function createChannel(account: TestAccount, body: Record<string, unknown>) {
  const response = await callAs(account, "POST", "/api/v1/alerts/channels", body);
  expect(response.status, await response.clone().text()).toBe(201);
  return response.json<{ id: string; secret: string }>();
}

describe("alert notifications", () => {
  it("sends the webhook a signed firing notification, then its resolution", async () => {
    const owner = await registerTenant();
    await storeMinutes(owner, "cpu", { host: "a" }, CPU);
    const ruleId = await createRule(owner, rule("HighCpu", "cpu"));
    const path = hookPath();
    const { secret } = await createChannel(owner, {
      name: "ops",
      type: "webhook",
      url: `${inject("webhookReceiverUrl")}${path}`,
      matchers: [{ label: "alertname", op: "=", value: "HighCpu" }],
      group_wait_seconds: 0,
      group_interval_seconds: 60,
    });
    for (let minute = 0; minute <= 7; minute++) {
      await tick(owner, ruleId, minute);
      await notifyAt(owner, minute);
      // The firing notification is sent before the resolution is decided, so they arrive in order.
      if (minute === 3) expect(await waitForCalls(path, 1)).toHaveLength(1);
    }
    const calls = await waitForCalls(path, 2);
    expect(calls).toHaveLength(2);
    for (const call of calls) expect(await verifySignature(call, secret)).toBe(true);
    expect(await verifySignature({ ...calls[0], body: `${calls[0]?.body} ` } as ReceivedCall, secret)).toBe(
      false,
    );
    const [firing, resolved] = calls.map((call) => JSON.parse(call.body) as WebhookBody);
    expect(firing).toMatchObject({
      receiver: "ops",
      status: "firing",
      group_labels: { alertname: "HighCpu" },
      common_labels: { alertname: "HighCpu", host: "a" },
      alerts: [{ status: "firing", labels: { host: "a" }, annotations: { summary: "a at 8" } }],
    });
    expect(resolved).toMatchObject({ status: "resolved", alerts: [{ status: "resolved" }] });
    // Every later minute, and the same minute again, has nothing new to tell.
    expect(await planAt(owner, 7)).toEqual([]);
    expect(await planAt(owner, 8)).toEqual([]);
  });

  it("notifies nothing of a silenced alert, which still fires; once the silence is gone, it is notified", async () => {
    const owner = await registerTenant();
    await storeMinutes(owner, "cpu", { host: "a" }, CPU);
    const ruleId = await createRule(owner, rule("QuietCpu", "cpu"));
    await createChannel(owner, {
      name: "ops",
      type: "webhook",
      url: `${inject("webhookReceiverUrl")}${hookPath()}`,
      group_wait_seconds: 0,
    });
    const silence = await callAs(owner, "POST", "/api/v1/alerts/silences", {
      matchers: [{ label: "alertname", op: "=", value: "QuietCpu" }],
      starts_at: at(0),
      ends_at: new Date(Date.now() + 3_600_000).toISOString(),
      comment: "maintenance",
    });
    expect(silence.status, await silence.clone().text()).toBe(201);
    const { id: silenceId } = await silence.json<{ id: string }>();
    for (let minute = 0; minute <= 4; minute++) {
      await tick(owner, ruleId, minute);
      expect(await planAt(owner, minute)).toEqual([]);
    }
    expect((await alertsOf(owner, `rule_id=${ruleId}`)).map((alert) => alert.state)).toEqual(["firing"]);
    expect((await callAs(owner, "DELETE", `/api/v1/alerts/silences/${silenceId}`)).status).toBe(204);
    await tick(owner, ruleId, 5);
    expect(await planAt(owner, 5)).toHaveLength(1);
  });

  it("groups two series of one group into one notification, and tells Slack in text", async () => {
    const owner = await registerTenant();
    await storeMinutes(owner, "load", { host: "a" }, CPU);
    await storeMinutes(owner, "load", { host: "b" }, CPU);
    const ruleId = await createRule(owner, rule("HighLoad", "load"));
    const byName = hookPath();
    const byHost = hookPath();
    const slack = hookPath();
    const url = (path: string) => `${inject("webhookReceiverUrl")}${path}`;
    await createChannel(owner, { name: "by-name", type: "webhook", url: url(byName), group_wait_seconds: 0 });
    await createChannel(owner, {
      name: "by-host",
      type: "webhook",
      url: url(byHost),
      group_by: ["host"],
      group_wait_seconds: 0,
    });
    await createChannel(owner, { name: "chat", type: "slack", url: url(slack), group_wait_seconds: 0 });
    for (let minute = 0; minute <= 3; minute++) {
      await tick(owner, ruleId, minute);
      await notifyAt(owner, minute);
    }
    const [grouped] = await waitForCalls(byName, 1);
    expect(
      (JSON.parse(grouped?.body ?? "{}") as WebhookBody).alerts.map((alert) => alert.labels.host).sort(),
    ).toEqual(["a", "b"]);
    expect(await waitForCalls(byHost, 2)).toHaveLength(2);
    const [text] = await waitForCalls(slack, 1);
    expect(JSON.parse(text?.body ?? "{}")).toEqual({
      text: "[FIRING:2] HighLoad\n• firing: a at 8\n• firing: b at 8",
    });
    // A new group waits group_wait (30 s by default): nothing at the minute it first fires.
    await createChannel(owner, { name: "patient", type: "webhook", url: url(hookPath()) });
    await tick(owner, ruleId, 4);
    expect(await planAt(owner, 4)).toHaveLength(0);
    await tick(owner, ruleId, 5);
    expect(await planAt(owner, 5)).toHaveLength(1);
  });

  it("retries a send the receiver refused, with the queue's backoff, and logs it sent once", async () => {
    const owner = await registerTenant();
    await storeMinutes(owner, "cpu", { host: "a" }, CPU);
    const ruleId = await createRule(owner, rule("FlakyCpu", "cpu"));
    const path = `/hooks/flaky/${crypto.randomUUID()}`;
    await createChannel(owner, {
      name: "ops",
      type: "webhook",
      url: `${inject("webhookReceiverUrl")}${path}`,
      group_wait_seconds: 0,
    });
    for (let minute = 0; minute <= 3; minute++) {
      await tick(owner, ruleId, minute);
      await notifyAt(owner, minute);
    }
    // The first retry comes after the consumer's backoff (10 s).
    const calls = await waitForCalls(path, 2, 50_000);
    expect(calls.map((call) => JSON.parse(call.body).status)).toEqual(["firing", "firing"]);
    expect(calls[0]?.body).toBe(calls[1]?.body);
    // The retry counts as the one delivery: nothing further is sent for the group's state.
    expect(await waitForCalls(path, 3, 1000)).toHaveLength(2);
  }, 60_000);

  it("shows a channel's secret once, keeps it out of reads, and refuses a URL that is not http", async () => {
    const owner = await registerTenant();
    const created = await createChannel(owner, {
      name: "ops",
      type: "webhook",
      url: "https://hooks.example.com/borde",
      secret: "a-secret-of-my-own-choosing",
    });
    expect(created.secret).toBe("a-secret-of-my-own-choosing");
    const read = await (await callAs(owner, "GET", `/api/v1/alerts/channels/${created.id}`)).json<object>();
    expect(read).not.toHaveProperty("secret");
    expect(read).toMatchObject({
      group_by: ["alertname"],
      group_wait_seconds: 30,
      group_interval_seconds: 300,
      repeat_interval_seconds: 14_400,
      send_resolved: true,
    });
    const changed = await callAs(owner, "PATCH", `/api/v1/alerts/channels/${created.id}`, {
      send_resolved: false,
    });
    expect(await changed.json()).toMatchObject({ send_resolved: false });
    const refused = await callAs(owner, "POST", "/api/v1/alerts/channels", {
      name: "bad",
      type: "webhook",
      url: "ftp://hooks.example.com/",
    });
    expect(refused.status).toBe(400);
    expect((await callAs(owner, "DELETE", `/api/v1/alerts/channels/${created.id}`)).status).toBe(204);
  });
});
