import { describe, expect, it } from "vitest";
import { nextAlerts, type StoredAlert } from "../../../workers/alerts/alert-states.ts";
import type { RuleSpec, SeriesInput } from "../../../workers/alerts/evaluation.ts";

const RULE: RuleSpec = {
  name: "Hot",
  fn: "max_over_time",
  windowMs: 1000,
  comparator: ">",
  threshold: 5,
  forMs: 60_000,
  keepFiringForMs: 0,
  labels: {},
  annotations: { summary: "{{ $value }}" },
};
const MINUTE = 60_000;
const series = (values: number[]): SeriesInput[] => [
  {
    name: "t",
    labels: { host: "a" },
    kind: "gauge",
    points: values.map((v, index) => ({ t: index * MINUTE, v })),
  },
];

/** The writes as the database would keep them: the stored rows after each tick. */
function run(values: number[]) {
  let stored: StoredAlert[] = [];
  const ticks = [];
  for (let minute = 0; minute < values.length; minute++) {
    const writes = nextAlerts("rule", RULE, stored, series(values), minute * MINUTE);
    ticks.push(writes.map((write) => `${write.previousState}>${write.state}`).join());
    for (const write of writes) {
      const row: StoredAlert = {
        id: write.labelsKey,
        tenantId: "tenant",
        ruleId: write.ruleId,
        labels: write.labels,
        labelsKey: write.labelsKey,
        state: write.state,
        activeAt: new Date(write.activeAt),
        firedAt: write.firedAt === null ? null : new Date(write.firedAt),
        resolvedAt: write.resolvedAt === null ? null : new Date(write.resolvedAt),
        keepFiringSince: write.keepFiringSince === null ? null : new Date(write.keepFiringSince),
        value: write.value,
        annotations: write.annotations,
        createdAt: new Date(0),
        updatedAt: new Date(0),
      };
      stored = [...stored.filter((entry) => entry.labelsKey !== row.labelsKey), row];
    }
  }
  return ticks;
}

describe("nextAlerts", () => {
  it("writes each change of state once, and the value while it changes", () => {
    expect(run([9, 9, 8, 8, 1, 1])).toEqual([
      "inactive>pending",
      "pending>firing",
      "firing>firing",
      "",
      "firing>resolved",
      "",
    ]);
  });

  it("forgets a pending alert whose condition clears", () => {
    expect(run([9, 1, 1])).toEqual(["inactive>pending", "pending>inactive", ""]);
  });

  it("starts a resolved alert pending again when its condition returns", () => {
    expect(run([9, 9, 1, 9])).toEqual([
      "inactive>pending",
      "pending>firing",
      "firing>resolved",
      "resolved>pending",
    ]);
  });

  it("forgets a resolved alert after the 15 minutes Prometheus keeps it", () => {
    const ticks = run([9, 9, 1, ...Array(16).fill(1)]);
    expect(ticks.slice(0, 3)).toEqual(["inactive>pending", "pending>firing", "firing>resolved"]);
    expect(ticks.slice(3).filter((entry) => entry !== "")).toEqual(["resolved>inactive"]);
  });
});
