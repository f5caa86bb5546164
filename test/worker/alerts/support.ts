import { env } from "cloudflare:test";
import { expect, inject } from "vitest";
import { notifyJob } from "../../../workers/alerts/jobs.ts";
import { planNotifications } from "../../../workers/alerts/notifications.ts";
import { evaluateRuleBatch, type RuleBatch } from "../../../workers/alerts/rule-evaluation.ts";
import { loadConfig } from "../../../workers/config/config.ts";
import { Logger } from "../../../workers/lib/log.ts";
import { withTestSession } from "../support/database.ts";
import { callAs, createApiKey, type TestAccount } from "../support/identity.ts";

/** A whole hour two hours back: recent enough for any retention, far enough back that nothing else ticks there. */
export const T0 = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 2 * 3_600_000;
export const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

/** A rule the alert tests share: the average CPU of web hosts above 5 for a minute. */
export const HIGH_CPU_RULE = {
  name: "HighCpu",
  selector: 'cpu{job="web"}',
  function: "avg_over_time",
  window_seconds: 120,
  comparator: ">",
  threshold: 5,
  for_seconds: 60,
  severity: "critical",
  annotations: { summary: "{{ $labels.host }} at {{ $value }}" },
};

/** Stores one gauge point a minute (from minute 0) through the source form, with an API key. */
export async function storeMinutes(
  account: TestAccount,
  name: string,
  labels: Record<string, string>,
  values: number[],
  firstMinute = 0,
) {
  const writer = { apiKey: (await createApiKey(account, ["telemetry:write"])).key };
  const events = values.map((value, index) => ({
    type: "metric",
    name,
    value,
    labels,
    timestamp: at(firstMinute + index),
  }));
  const response = await callAs(writer, "POST", "/api/v1/telemetry", { events });
  expect(response.status, await response.clone().text()).toBe(200);
}

export async function createRule(account: TestAccount, body: Record<string, unknown>): Promise<string> {
  const response = await callAs(account, "POST", "/api/v1/alerts/rules", body);
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json<{ id: string }>()).id;
}

/** One tick of the rule's evaluation at `minute`, as the queued job runs it (in the tenant's scope). */
export function tick(account: TestAccount, ruleId: string, minute: number) {
  const batch: RuleBatch = { tenantId: account.tenantId, firstRuleId: ruleId, lastRuleId: ruleId };
  return withTestSession((session) =>
    session.tenant(account.tenantId, (db) => evaluateRuleBatch(db, batch, new Date(at(minute)))),
  );
}

/** One tick of several rules as one queued job evaluates them: one batch from the lowest id to the highest. */
export function tickBatch(account: TestAccount, ruleIds: string[], minute: number) {
  const sorted = [...ruleIds].sort();
  const batch: RuleBatch = {
    tenantId: account.tenantId,
    firstRuleId: sorted[0] ?? "",
    lastRuleId: sorted[sorted.length - 1] ?? "",
  };
  return withTestSession((session) =>
    session.tenant(account.tenantId, (db) => evaluateRuleBatch(db, batch, new Date(at(minute)))),
  );
}

export type AlertBody = {
  id: string;
  rule_id: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: string;
  active_at: string;
  fired_at: string | null;
  resolved_at: string | null;
  value: number | null;
};

export async function alertsOf(account: TestAccount, query: string): Promise<AlertBody[]> {
  const response = await callAs(account, "GET", `/api/v1/alerts?${query}`);
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json<{ data: AlertBody[] }>()).data;
}

/** The states of the rule's alerts (pending, firing and resolved ones), joined as the preview test writes them. */
export async function statesOf(account: TestAccount, ruleId: string): Promise<string> {
  const states: string[] = [];
  for (const state of ["pending", "firing", "resolved"])
    for (const alert of await alertsOf(account, `rule_id=${ruleId}&state=${state}`)) states.push(alert.state);
  return states.join();
}

/** The preview's states at each step, for the same rule over the same minutes. */
export async function previewStates(
  account: TestAccount,
  ruleId: string,
  minutes: number,
): Promise<string[]> {
  const response = await callAs(account, "POST", `/api/v1/alerts/rules/${ruleId}/preview`, {
    start: at(0),
    end: at(minutes),
    step_seconds: 60,
  });
  expect(response.status, await response.clone().text()).toBe(200);
  const preview = await response.json<{ steps: { alerts: { state: string }[] }[] }>();
  return preview.steps.map((step) => step.alerts.map((alert) => alert.state).join());
}

/** The notifications the tenant's channels are due at `minute`, decided and logged (not sent). */
export function planAt(account: TestAccount, minute: number) {
  return withTestSession((session) =>
    session.tenant(account.tenantId, (db) => planNotifications(db, account.tenantId, new Date(at(minute)))),
  );
}

/** The notify job for `minute`, as the Cron Trigger enqueues it: its sends go through the real queue. */
export function notifyAt(account: TestAccount, minute: number) {
  return withTestSession((session) =>
    notifyJob.run(
      { type: "alerts.notify", tenant_id: account.tenantId, at: at(minute) },
      { session, config: loadConfig(env), log: new Logger(), env },
    ),
  );
}

export type ReceivedCall = { headers: Record<string, string>; body: string };

export async function receivedCalls(path: string): Promise<ReceivedCall[]> {
  const response = await fetch(`${inject("webhookReceiverUrl")}/__received?path=${encodeURIComponent(path)}`);
  return response.json<ReceivedCall[]>();
}

/** Polls the receiver until `path` has `count` calls, or `timeoutMs` passed. */
export async function waitForCalls(path: string, count: number, timeoutMs = 20_000): Promise<ReceivedCall[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const calls = await receivedCalls(path);
    if (calls.length >= count || Date.now() > deadline) return calls;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** What a receiver does: recompute the HMAC over `<t>.<body>` and compare. */
export async function verifySignature(call: ReceivedCall, secret: string): Promise<boolean> {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(call.headers["borde-signature"] ?? "");
  if (!match) return false;
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["verify"],
  );
  const mac = Uint8Array.from(match[2]?.match(/../g) ?? [], (byte) => Number.parseInt(byte, 16));
  return crypto.subtle.verify("HMAC", key, mac, new TextEncoder().encode(`${match[1]}.${call.body}`));
}
