import type { NotifiedAlert } from "./tables.ts";

/**
 * Alertmanager's grouping, decided at each evaluation minute: a new group waits `group_wait` before its
 * first notification; a change (an alert firing or resolving) is told no sooner than `group_interval`
 * after the last notification; an unchanged group with firing alerts is told again every
 * `repeat_interval`. Resolved alerts are told (with `send_resolved`) only if a notification named them firing.
 */

export type GroupTiming = {
  groupWaitMs: number;
  groupIntervalMs: number;
  repeatIntervalMs: number;
  sendResolved: boolean;
};

export type GroupState = { firstSeenAt: number | null; lastSentAt: number | null; notifiedKeys: string[] };

/** What a group does at this minute: the alerts to send (or none), and its state after (null: it is over). */
export type GroupDecision = { send: NotifiedAlert[] | null; next: GroupState | null };

const sameKeys = (a: string[], b: string[]) => a.length === b.length && a.every((key) => b.includes(key));

export function decideGroup(
  timing: GroupTiming,
  alerts: NotifiedAlert[],
  state: GroupState | undefined,
  now: number,
): GroupDecision {
  const previous = state ?? { firstSeenAt: null, lastSentAt: null, notifiedKeys: [] };
  const firing = alerts.filter((alert) => alert.status === "firing");
  const resolved = alerts.filter(
    (alert) => alert.status === "resolved" && previous.notifiedKeys.includes(alert.key),
  );
  if (firing.length === 0 && resolved.length === 0) return { send: null, next: null };
  const firingKeys = firing.map((alert) => alert.key);
  const firstSeenAt = previous.firstSeenAt ?? now;
  const sent = { firstSeenAt, lastSentAt: now, notifiedKeys: firingKeys };
  if (previous.lastSentAt === null) {
    if (firing.length > 0 && now - firstSeenAt >= timing.groupWaitMs) return { send: firing, next: sent };
    return { send: null, next: { ...previous, firstSeenAt } };
  }
  const changed = resolved.length > 0 || !sameKeys(firingKeys, previous.notifiedKeys);
  if (changed && now - previous.lastSentAt >= timing.groupIntervalMs) {
    const told = [...firing, ...(timing.sendResolved ? resolved : [])];
    return { send: told.length > 0 ? told : null, next: firing.length > 0 ? sent : null };
  }
  if (!changed && now - previous.lastSentAt >= timing.repeatIntervalMs) return { send: firing, next: sent };
  return { send: null, next: previous };
}
