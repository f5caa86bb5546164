import { eq, gt, inArray, isNull, lte, sql } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import type { Database, DatabaseSession } from "../db/client.ts";
import { type TenantColumns, tenantRow, tenantRows } from "../db/tenant-rows.ts";
import { uuidv7 } from "../lib/uuid.ts";
import { labelsKeyOf } from "../telemetry/samples.ts";
import { iso } from "./api-schemas.ts";
import { decideGroup, type GroupState } from "./grouping.ts";
import { matchesAll } from "./matchers.ts";
import { notificationBody, SIGNATURE_HEADER, signature } from "./notification-body.ts";
import {
  alertChannels,
  alertRules,
  alertSilences,
  alerts,
  type NotifiedAlert,
  notificationGroups,
  notifications,
} from "./tables.ts";

/** How long a receiver has to answer a send before it counts as failed (and is retried). */
const SEND_TIMEOUT_MS = 10_000;

type AlertRow = typeof alerts.$inferSelect;
type Channel = typeof alertChannels.$inferSelect;
type GroupRow = typeof notificationGroups.$inferSelect;

const notifiedAlertOf = (alert: AlertRow): NotifiedAlert => ({
  key: alert.labelsKey,
  rule_id: alert.ruleId,
  status: alert.state === "firing" ? "firing" : "resolved",
  labels: alert.labels,
  annotations: alert.annotations,
  starts_at: (alert.firedAt ?? alert.activeAt).toISOString(),
  ends_at: alert.resolvedAt && alert.state === "resolved" ? alert.resolvedAt.toISOString() : null,
  value: alert.value,
});

const groupLabelsOf = (labels: Record<string, string>, groupBy: string[]) =>
  Object.fromEntries(groupBy.map((label) => [label, labels[label] ?? ""]));

type GroupWrite = {
  id: string;
  channel_id: string;
  group_key: string;
  first_seen_at: string | null;
  last_sent_at: string | null;
  notified_keys: string[];
};
type NotificationWrite = {
  id: string;
  channel_id: string;
  group_key: string;
  group_labels: Record<string, string>;
  status: "firing" | "resolved";
  alerts: NotifiedAlert[];
};

const stateOf = (row: GroupRow | undefined): GroupState | undefined =>
  row && {
    firstSeenAt: row.firstSeenAt?.getTime() ?? null,
    lastSentAt: row.lastSentAt?.getTime() ?? null,
    notifiedKeys: row.notifiedKeys,
  };

/** Each channel's groups and what each decides at `now`: group rows to write or drop, notifications to log. */
function decideChannel(channel: Channel, notifiable: AlertRow[], groups: GroupRow[], now: number) {
  const timing = {
    groupWaitMs: channel.groupWaitSeconds * 1000,
    groupIntervalMs: channel.groupIntervalSeconds * 1000,
    repeatIntervalMs: channel.repeatIntervalSeconds * 1000,
    sendResolved: channel.sendResolved,
  };
  const byGroup = new Map<string, { labels: Record<string, string>; alerts: NotifiedAlert[] }>();
  for (const alert of notifiable) {
    if (!matchesAll(channel.matchers, alert.labels)) continue;
    const labels = groupLabelsOf(alert.labels, channel.groupBy);
    const key = labelsKeyOf(labels);
    const group = byGroup.get(key) ?? { labels, alerts: [] };
    group.alerts.push(notifiedAlertOf(alert));
    byGroup.set(key, group);
  }
  const rows = new Map(
    groups.filter((row) => row.channelId === channel.id).map((row) => [row.groupKey, row]),
  );
  const upserts: GroupWrite[] = [];
  const dropped: string[] = [];
  const logged: NotificationWrite[] = [];
  for (const key of new Set([...byGroup.keys(), ...rows.keys()])) {
    const row = rows.get(key);
    const group = byGroup.get(key);
    const decision = decideGroup(timing, group?.alerts ?? [], stateOf(row), now);
    if (decision.send && group) {
      logged.push({
        id: uuidv7(),
        channel_id: channel.id,
        group_key: key,
        group_labels: group.labels,
        status: decision.send.some((alert) => alert.status === "firing") ? "firing" : "resolved",
        alerts: decision.send,
      });
    }
    if (decision.next === null) {
      if (row) dropped.push(row.id);
    } else if (JSON.stringify(decision.next) !== JSON.stringify(stateOf(row))) {
      upserts.push({
        id: row?.id ?? uuidv7(),
        channel_id: channel.id,
        group_key: key,
        first_seen_at: iso(decision.next.firstSeenAt),
        last_sent_at: iso(decision.next.lastSentAt),
        notified_keys: decision.next.notifiedKeys,
      });
    }
  }
  return { upserts, dropped, logged };
}

/**
 * Decides, at an evaluation minute, what the tenant's channels are told: the firing and resolved alerts
 * of enabled rules, less the silenced ones, routed by each channel's matchers and grouped by its
 * `group_by`. Group states and the notification log are written in one statement; a notification already
 * logged for that group and minute is not logged again. Returns the new notifications' ids, to send.
 */
export async function planNotifications(db: Database, tenantId: string, at: Date): Promise<string[]> {
  const channels = await db
    .select()
    .from(alertChannels)
    .where(tenantRows(alertChannels, tenantId, eq(alertChannels.enabled, true)));
  if (channels.length === 0) return [];
  const candidates = await db
    .select({ alert: alerts })
    .from(alerts)
    .innerJoin(alertRules, eq(alertRules.id, alerts.ruleId))
    .where(
      tenantRows(
        alerts,
        tenantId,
        eq(alertRules.enabled, true),
        inArray(alerts.state, ["firing", "resolved"]),
      ),
    )
    .orderBy(alerts.labelsKey);
  const silences = await db
    .select({ matchers: alertSilences.matchers })
    .from(alertSilences)
    .where(
      tenantRows(alertSilences, tenantId, lte(alertSilences.startsAt, at), gt(alertSilences.endsAt, at)),
    );
  const groups = await db.select().from(notificationGroups).where(eq(notificationGroups.tenantId, tenantId));
  const notifiable = candidates
    .map((row) => row.alert)
    .filter((alert) => !silences.some((silence) => matchesAll(silence.matchers, alert.labels)));
  const decided = channels.map((channel) => decideChannel(channel, notifiable, groups, at.getTime()));
  const upserts = decided.flatMap((entry) => entry.upserts);
  const dropped = decided.flatMap((entry) => entry.dropped);
  const logged = decided.flatMap((entry) => entry.logged);
  if (upserts.length === 0 && dropped.length === 0 && logged.length === 0) return [];
  const result = await db.execute<{ id: string }>(sql`
    with group_changes as (
      select * from jsonb_to_recordset(${JSON.stringify(upserts)}::jsonb) as g(
        id uuid, channel_id uuid, group_key text, first_seen_at timestamptz, last_sent_at timestamptz,
        notified_keys jsonb)
    ), upserted as (
      insert into ${notificationGroups} (id, tenant_id, channel_id, group_key, first_seen_at, last_sent_at,
        notified_keys, updated_at)
      select id, ${tenantId}, channel_id, group_key, first_seen_at, last_sent_at, notified_keys, now()
      from group_changes
      on conflict (channel_id, group_key) do update set first_seen_at = excluded.first_seen_at,
        last_sent_at = excluded.last_sent_at, notified_keys = excluded.notified_keys,
        updated_at = excluded.updated_at
    ), dropped as (
      delete from ${notificationGroups} where tenant_id = ${tenantId}
        and id in (select value::uuid from jsonb_array_elements_text(${JSON.stringify(dropped)}::jsonb))
    )
    insert into ${notifications} (id, tenant_id, channel_id, group_key, group_labels, status, alerts, decided_at)
    select id, ${tenantId}, channel_id, group_key, group_labels, status, alerts, ${at.toISOString()}::timestamptz
    from jsonb_to_recordset(${JSON.stringify(logged)}::jsonb) as n(
      id uuid, channel_id uuid, group_key text, group_labels jsonb, status text, alerts jsonb)
    on conflict (channel_id, group_key, decided_at) do nothing
    returning id`);
  return result.rows.map((row) => row.id);
}

/** Thrown for a send the receiver did not take: the queue tries it again, with its backoff. */
export class NotificationNotDelivered extends Error {
  override name = "NotificationNotDelivered";
}

/**
 * POSTs a JSON body to a channel, signed with its secret (Borde-Signature). Returns why the receiver did
 * not take it, or null when it did; the caller records the outcome and retries.
 */
export async function postSigned(
  channel: Pick<Channel, "url" | "secret">,
  body: string,
): Promise<string | null> {
  const headers = {
    "content-type": "application/json",
    [SIGNATURE_HEADER]: await signature(channel.secret, Math.floor(Date.now() / 1000), body),
  };
  try {
    const response = await fetch(channel.url, {
      method: "POST",
      headers,
      body,
      signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
    });
    await response.body?.cancel();
    return response.ok ? null : `the receiver answered ${response.status}`;
  } catch (error) {
    return error instanceof Error ? error.message : "the send failed";
  }
}

/** A log of sends, a row each, which counts its attempts and records its outcome: notifications, reports. */
type SendLog = PgTable & TenantColumns & { attempts: PgColumn; sentAt: PgColumn; lastError: PgColumn };

/** What one logged send posts, and where. */
type SignedSend = { channel: Pick<Channel, "url" | "secret">; body: string };

/**
 * Sends the tenant's logged send `id` of `log`, signed, unless it was already sent (a redelivered message
 * sends nothing): the row is claimed (one more attempt) and `prepare` reads what to send, in one
 * transaction. The send is outside any transaction; its outcome is recorded after, and a refused send
 * throws so the queue retries it with its backoff.
 */
export async function sendLoggedOnce<T extends SendLog>(
  session: DatabaseSession,
  tenantId: string,
  log: T,
  id: string,
  prepare: (db: Database, logged: T["$inferSelect"]) => Promise<SignedSend | null>,
): Promise<"sent" | "already sent"> {
  const send = await session.tenant(tenantId, async (db) => {
    // Typed back from PgTable for the reason given in db/tenant-rows.ts.
    const [logged] = await db
      .update(log as PgTable)
      .set({ attempts: sql`${log.attempts} + 1` })
      .where(tenantRow(log, tenantId, id, isNull(log.sentAt)))
      .returning();
    return logged ? prepare(db, logged as T["$inferSelect"]) : null;
  });
  if (!send) return "already sent";
  const failure = await postSigned(send.channel, send.body);
  await session.tenant(tenantId, (db) =>
    db
      .update(log as PgTable)
      .set(failure === null ? { sentAt: new Date(), lastError: null } : { lastError: failure })
      .where(tenantRow(log, tenantId, id)),
  );
  if (failure !== null) throw new NotificationNotDelivered(failure);
  return "sent";
}

/** Sends one logged notification to its channel (see `sendLoggedOnce`). */
export const sendNotification = (session: DatabaseSession, tenantId: string, notificationId: string) =>
  sendLoggedOnce(session, tenantId, notifications, notificationId, async (db, notification) => {
    const [channel] = await db
      .select()
      .from(alertChannels)
      .where(eq(alertChannels.id, notification.channelId));
    return channel ? { channel, body: notificationBody(channel, notification) } : null;
  });
