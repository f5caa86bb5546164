import { createScheduledController, env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../../../workers/index.ts";
import { callAs, registerTenant, type TestAccount } from "../support/identity.ts";
import {
  alertsOf,
  at,
  createRule,
  HIGH_CPU_RULE,
  previewStates,
  statesOf,
  storeMinutes,
  T0,
  tick,
  tickBatch,
} from "./support.ts";

type Transition = { from_state: string; to_state: string; at: string; labels: Record<string, string> };

async function historyOf(account: TestAccount, query: string): Promise<Transition[]> {
  const response = await callAs(account, "GET", `/api/v1/alerts/history?${query}`);
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json<{ data: Transition[] }>()).data;
}

let owner: TestAccount;

beforeAll(async () => {
  owner = await registerTenant();
  // avg over [t-2m, t]: 1, 4.5, 17/3, 8, 8, 17/3, 10/3, 1.
  await storeMinutes(owner, "cpu", { job: "web", host: "a" }, [1, 8, 8, 8, 8, 1, 1, 1]);
  await storeMinutes(owner, "mem", { host: "a" }, [8, 1, 1, 1, 1, 1]);
});

describe("alert evaluation each minute", () => {
  it("moves an alert pending, then firing, then resolved over successive ticks, as the preview says", async () => {
    const ruleId = await createRule(owner, HIGH_CPU_RULE);
    const states: string[] = [];
    for (let minute = 0; minute <= 7; minute++) {
      await tick(owner, ruleId, minute);
      states.push(await statesOf(owner, ruleId));
    }
    expect(states).toEqual(["", "", "pending", "firing", "firing", "firing", "resolved", "resolved"]);
    expect(states).toEqual(await previewStates(owner, ruleId, 7));

    const [resolved] = await alertsOf(owner, `rule_id=${ruleId}&state=resolved`);
    expect(resolved).toMatchObject({
      rule_id: ruleId,
      labels: { job: "web", host: "a", severity: "critical", alertname: "HighCpu" },
      active_at: at(2),
      fired_at: at(3),
      resolved_at: at(6),
    });
    const history = await historyOf(owner, `rule_id=${ruleId}`);
    expect(history.map((entry) => [entry.from_state, entry.to_state, entry.at])).toEqual([
      ["inactive", "pending", at(2)],
      ["pending", "firing", at(3)],
      ["firing", "resolved", at(6)],
    ]);
    expect((await historyOf(owner, `rule_id=${ruleId}&state=firing`)).map((entry) => entry.at)).toEqual([
      at(3),
    ]);
  });

  it("evaluates many rules in one job, each over its own series and window, as each one's preview says", async () => {
    const tenant = await registerTenant();
    await storeMinutes(tenant, "load", { host: "a" }, [1, 9, 9, 9, 9, 9, 1, 1, 1, 1]);
    // Host b stops reporting after minute 3: its alerts resolve once their windows hold none of its points.
    await storeMinutes(tenant, "load", { host: "b" }, [9, 9, 9, 9]);
    await storeMinutes(tenant, "queue", { name: "q" }, [0, 10, 20, 30, 40, 40, 40, 40, 40, 40]);
    const rules = [
      { name: "LoadPeak", selector: "load", function: "max_over_time", window_seconds: 60 },
      { name: "LoadMean", selector: "load", function: "avg_over_time", window_seconds: 180, for_seconds: 60 },
      { name: "QueueGrowing", selector: "queue", function: "rate", window_seconds: 120, threshold: 0.05 },
      {
        name: "HostBSeen",
        selector: 'load{host="b"}',
        function: "count_over_time",
        window_seconds: 120,
        threshold: 0,
      },
    ];
    const ruleIds: string[] = [];
    for (const rule of rules)
      ruleIds.push(await createRule(tenant, { comparator: ">", threshold: 5, ...rule }));
    const states = ruleIds.map((): string[] => []);
    // Each rule's alerts as a set: the preview lists a step's alerts in its own order.
    const stateSet = (joined: string) => joined.split(",").filter(Boolean).sort().join();
    for (let minute = 0; minute <= 9; minute++) {
      expect((await tickBatch(tenant, ruleIds, minute)).rules).toBe(rules.length);
      for (const [index, ruleId] of ruleIds.entries())
        states[index]?.push(stateSet(await statesOf(tenant, ruleId)));
    }
    for (const [index, ruleId] of ruleIds.entries())
      expect(states[index], rules[index]?.name).toEqual(
        (await previewStates(tenant, ruleId, 9)).map(stateSet),
      );
    expect(states[0]).toEqual([
      "firing",
      "firing,firing",
      "firing,firing",
      "firing,firing",
      "firing,firing",
      "firing,resolved",
      "firing,resolved",
      "resolved,resolved",
      "resolved,resolved",
      "resolved,resolved",
    ]);
    const [hostB] = await alertsOf(tenant, `rule_id=${ruleIds[0]}&state=resolved`).then((found) =>
      found.filter((alert) => alert.labels.host === "b"),
    );
    expect(hostB).toMatchObject({ labels: { host: "b", alertname: "LoadPeak" }, resolved_at: at(5) });
    expect(states[3]?.slice(3)).toEqual([
      "firing",
      "firing",
      "firing",
      "resolved",
      "resolved",
      "resolved",
      "resolved",
    ]);
  });

  it("lists a firing alert with its last value and its annotations expanded", async () => {
    const ruleId = await createRule(owner, { ...HIGH_CPU_RULE, name: "HighCpuNow" });
    for (const minute of [2, 3, 4]) await tick(owner, ruleId, minute);
    const active = await alertsOf(owner, `rule_id=${ruleId}`);
    expect(active).toEqual([
      expect.objectContaining({
        state: "firing",
        value: 8,
        active_at: at(2),
        fired_at: at(3),
        annotations: { summary: "a at 8" },
      }),
    ]);
    // A disabled rule is not evaluated, and its alerts are not listed as active.
    await callAs(owner, "PATCH", `/api/v1/alerts/rules/${ruleId}`, { enabled: false });
    expect(await alertsOf(owner, `rule_id=${ruleId}`)).toEqual([]);
    expect((await tick(owner, ruleId, 5)).rules).toBe(0);
  });

  it("keeps a firing alert firing for keep_firing_for after its condition clears", async () => {
    const ruleId = await createRule(owner, {
      name: "HighMem",
      selector: "mem",
      function: "max_over_time",
      window_seconds: 1,
      comparator: ">",
      threshold: 5,
      keep_firing_for_seconds: 120,
    });
    const states: string[] = [];
    for (let minute = 0; minute <= 5; minute++) {
      await tick(owner, ruleId, minute);
      states.push(await statesOf(owner, ruleId));
    }
    expect(states).toEqual(["firing", "firing", "firing", "resolved", "resolved", "resolved"]);
    expect(states).toEqual(await previewStates(owner, ruleId, 5));
  });

  it("changes nothing when a tick is repeated, or an older one arrives late", async () => {
    const ruleId = await createRule(owner, { ...HIGH_CPU_RULE, name: "HighCpuTwice" });
    for (const minute of [2, 3]) await tick(owner, ruleId, minute);
    const alerts = await alertsOf(owner, `rule_id=${ruleId}`);
    const history = await historyOf(owner, `rule_id=${ruleId}`);
    expect(await tick(owner, ruleId, 3)).toEqual({ rules: 0, writes: [] });
    expect(await tick(owner, ruleId, 2)).toEqual({ rules: 0, writes: [] });
    expect(await alertsOf(owner, `rule_id=${ruleId}`)).toEqual(alerts);
    expect(await historyOf(owner, `rule_id=${ruleId}`)).toEqual(history);
  });

  it("evaluates every tenant's rules from the minute's Cron Trigger, through the queue", async () => {
    const other = await registerTenant();
    // An hour before T0: the other tests' rules, evaluated here too, still take their ticks afterwards.
    const minute = -60;
    await storeMinutes(other, "disk", { mount: "/" }, [9, 9], minute - 1);
    const ruleId = await createRule(other, {
      name: "DiskFull",
      selector: "disk",
      function: "max_over_time",
      window_seconds: 60,
      comparator: ">",
      threshold: 5,
    });
    await worker.scheduled(
      createScheduledController({
        cron: `* * * * * #${crypto.randomUUID()}`,
        scheduledTime: T0 + minute * 60_000 + 7_000,
      }),
      env,
    );
    const deadline = Date.now() + 20_000;
    let alerts = await alertsOf(other, `rule_id=${ruleId}`);
    while (alerts.length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      alerts = await alertsOf(other, `rule_id=${ruleId}`);
    }
    // Evaluated at the tick's minute, not the second the invocation ran.
    expect(alerts).toEqual([expect.objectContaining({ state: "firing", active_at: at(minute), value: 9 })]);
  });
});
