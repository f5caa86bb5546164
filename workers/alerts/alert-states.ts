import { type Alert, evaluateAt, type RuleSpec, type SeriesInput } from "./evaluation.ts";
import type { alerts, StoredAlertState } from "./tables.ts";

/**
 * What one tick does to a rule's stored alerts: the stored ones become the evaluator's state, the evaluator
 * moves them exactly as it does in a preview, and what changed comes back as rows to write.
 */

export type StoredAlert = typeof alerts.$inferSelect;

/** One alert's row after a tick, and the state it had before (`inactive` for a new one). */
export type AlertWrite = {
  ruleId: string;
  labelsKey: string;
  labels: Record<string, string>;
  state: StoredAlertState;
  previousState: StoredAlertState;
  activeAt: number;
  firedAt: number | null;
  resolvedAt: number | null;
  keepFiringSince: number | null;
  value: number | null;
  annotations: Record<string, string>;
};

const msOrNull = (date: Date | null) => date?.getTime() ?? null;

/** The evaluator's alert for a stored one: a resolved alert is the evaluator's inactive one. */
export function alertOf(row: StoredAlert): Alert {
  return {
    labels: row.labels,
    state: row.state === "pending" || row.state === "firing" ? row.state : "inactive",
    activeAt: row.activeAt.getTime(),
    firedAt: msOrNull(row.firedAt),
    resolvedAt: msOrNull(row.resolvedAt),
    keepFiringSince: msOrNull(row.keepFiringSince),
    value: row.value ?? Number.NaN,
    annotations: row.annotations,
  };
}

/** Whether a change of state is one the history keeps: a resolved alert being forgotten is not. */
export const isTransition = (write: Pick<AlertWrite, "state" | "previousState">) =>
  write.state !== write.previousState && !(write.previousState === "resolved" && write.state === "inactive");

const sameRow = (write: AlertWrite, row: StoredAlert) =>
  write.state === row.state &&
  write.activeAt === row.activeAt.getTime() &&
  write.firedAt === msOrNull(row.firedAt) &&
  write.resolvedAt === msOrNull(row.resolvedAt) &&
  write.keepFiringSince === msOrNull(row.keepFiringSince) &&
  write.value === row.value &&
  JSON.stringify(write.annotations) === JSON.stringify(row.annotations);

/**
 * The rule evaluated at `t` over `series`, from its stored alerts (pending, firing and resolved ones; an
 * inactive row is no alert): the rows that changed, each with its state before.
 */
export function nextAlerts(
  ruleId: string,
  rule: RuleSpec,
  stored: StoredAlert[],
  series: SeriesInput[],
  t: number,
): AlertWrite[] {
  const storedByKey = new Map(stored.map((row) => [row.labelsKey, row]));
  const active = new Map<string, Alert>();
  for (const row of stored) if (row.state !== "inactive") active.set(row.labelsKey, alertOf(row));
  // The evaluator changes alerts in place and drops the ones it forgets: keep a hold on every one.
  const seen = new Map(active);
  evaluateAt(rule, active, series, t);
  for (const [key, alert] of active) seen.set(key, alert);
  const writes: AlertWrite[] = [];
  for (const [key, alert] of seen) {
    const row = storedByKey.get(key);
    const kept = active.get(key) === alert;
    const write: AlertWrite = {
      ruleId,
      labelsKey: key,
      labels: alert.labels,
      state: !kept ? "inactive" : alert.state === "inactive" ? "resolved" : alert.state,
      previousState: row?.state ?? "inactive",
      activeAt: alert.activeAt,
      firedAt: alert.firedAt,
      resolvedAt: alert.resolvedAt,
      keepFiringSince: alert.keepFiringSince,
      value: Number.isFinite(alert.value) ? alert.value : null,
      annotations: alert.annotations,
    };
    if (!row || !sameRow(write, row)) writes.push(write);
  }
  return writes;
}
