import { and, between, eq, inArray, isNull, lt, ne, or, sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { tenantRows } from "../db/tenant-rows.ts";
import { uuidv7 } from "../lib/uuid.ts";
import { seriesPointsOfEach } from "../telemetry/queries.ts";
import { parseSelector } from "../telemetry/selector.ts";
import { type AlertWrite, isTransition, nextAlerts, type StoredAlert } from "./alert-states.ts";
import { iso } from "./api-schemas.ts";
import { type AlertRule, ruleSpecOf } from "./rules.ts";
import { alertChannels, alertRules, alerts, alertTransitions } from "./tables.ts";

/** How many rules one job evaluates: a tenant with more gets one job per this many, in id order. */
export const RULES_PER_JOB = 100;

/** A batch of one tenant's rules: the enabled ones with ids from `firstRuleId` to `lastRuleId`. */
export type RuleBatch = { tenantId: string; firstRuleId: string; lastRuleId: string };

/** Every tenant's enabled rules cut into batches of RULES_PER_JOB, as system work over all tenants. */
export async function ruleBatches(db: Database): Promise<RuleBatch[]> {
  const result = await db.execute<{ tenant_id: string; first_rule_id: string; last_rule_id: string }>(sql`
    select tenant_id, min(id::text)::uuid as first_rule_id, max(id::text)::uuid as last_rule_id
    from (
      select tenant_id, id, (row_number() over (partition by tenant_id order by id) - 1) / ${RULES_PER_JOB} as batch
      from ${alertRules} where enabled
    ) numbered
    group by tenant_id, batch`);
  return result.rows.map((row) => ({
    tenantId: row.tenant_id,
    firstRuleId: row.first_rule_id,
    lastRuleId: row.last_rule_id,
  }));
}

/** The tenants with an enabled alert channel, as system work over all tenants. */
export async function notifiedTenants(db: Database): Promise<string[]> {
  const rows = await db
    .selectDistinct({ tenantId: alertChannels.tenantId })
    .from(alertChannels)
    .where(eq(alertChannels.enabled, true));
  return rows.map((row) => row.tenantId);
}

/**
 * Takes the batch's enabled rules that no tick at or after `at` has evaluated, and marks them evaluated at
 * `at`. The row locks make a concurrent run of the same tick wait, then find nothing left to take.
 */
function claimRules(db: Database, batch: RuleBatch, at: Date): Promise<AlertRule[]> {
  return db
    .update(alertRules)
    .set({ evaluatedAt: at, updatedAt: sql`${alertRules.updatedAt}` })
    .where(
      and(
        eq(alertRules.tenantId, batch.tenantId),
        eq(alertRules.enabled, true),
        between(alertRules.id, batch.firstRuleId, batch.lastRuleId),
        or(isNull(alertRules.evaluatedAt), lt(alertRules.evaluatedAt, at)),
      ),
    )
    .returning();
}

function storedAlerts(db: Database, tenantId: string, ruleIds: string[]): Promise<StoredAlert[]> {
  return db
    .select()
    .from(alerts)
    .where(tenantRows(alerts, tenantId, inArray(alerts.ruleId, ruleIds), ne(alerts.state, "inactive")));
}

/**
 * Writes a tick's alert rows and their transitions in one statement: the rows are upserted by (rule, label
 * set), and each change of state adds a row to the history.
 */
async function writeAlerts(db: Database, tenantId: string, writes: AlertWrite[], at: Date): Promise<void> {
  if (writes.length === 0) return;
  const changes = JSON.stringify(
    writes.map((write) => ({
      id: uuidv7(),
      rule_id: write.ruleId,
      labels_key: write.labelsKey,
      labels: write.labels,
      state: write.state,
      previous_state: write.previousState,
      active_at: new Date(write.activeAt).toISOString(),
      fired_at: iso(write.firedAt),
      resolved_at: iso(write.resolvedAt),
      keep_firing_since: iso(write.keepFiringSince),
      value: write.value,
      annotations: write.annotations,
      transition_id: isTransition(write) ? uuidv7() : null,
    })),
  );
  const when = at.toISOString();
  await db.execute(sql`
    with changes as (
      select * from jsonb_to_recordset(${changes}::jsonb) as c(
        id uuid, rule_id uuid, labels_key text, labels jsonb, state text, previous_state text,
        active_at timestamptz, fired_at timestamptz, resolved_at timestamptz, keep_firing_since timestamptz,
        value float8, annotations jsonb, transition_id uuid)
    ), written as (
      insert into ${alerts} (id, tenant_id, rule_id, labels_key, labels, state, active_at, fired_at,
        resolved_at, keep_firing_since, value, annotations, updated_at)
      select id, ${tenantId}, rule_id, labels_key, labels, state, active_at, fired_at, resolved_at,
        keep_firing_since, value, annotations, ${when}::timestamptz from changes
      on conflict (rule_id, labels_key) do update set labels = excluded.labels, state = excluded.state,
        active_at = excluded.active_at, fired_at = excluded.fired_at, resolved_at = excluded.resolved_at,
        keep_firing_since = excluded.keep_firing_since, value = excluded.value,
        annotations = excluded.annotations, updated_at = excluded.updated_at
      returning id, rule_id, labels_key
    )
    insert into ${alertTransitions} (id, tenant_id, rule_id, alert_id, labels, from_state, to_state, value, at)
    select c.transition_id, ${tenantId}, c.rule_id, w.id, c.labels, c.previous_state, c.state, c.value,
      ${when}::timestamptz
    from changes c join written w on w.rule_id = c.rule_id and w.labels_key = c.labels_key
    where c.transition_id is not null`);
}

/** What one batch's evaluation did: the rules it evaluated and the alert rows it changed. */
export type BatchOutcome = { rules: number; writes: AlertWrite[] };

/**
 * Evaluates a batch of one tenant's rules at `at` (in the tenant's scope), as Prometheus would at that
 * instant, from the state the previous tick stored: four statements whatever the batch's size (the rules,
 * their alerts, every rule's samples, the writes). A tick already evaluated changes nothing.
 */
export async function evaluateRuleBatch(db: Database, batch: RuleBatch, at: Date): Promise<BatchOutcome> {
  const rules = await claimRules(db, batch, at);
  if (rules.length === 0) return { rules: 0, writes: [] };
  const t = at.getTime();
  const stored = await storedAlerts(
    db,
    batch.tenantId,
    rules.map((rule) => rule.id),
  );
  const series = await seriesPointsOfEach(
    db,
    batch.tenantId,
    rules.map((rule) => ({
      selector: parseSelector(rule.selector),
      startMs: t - rule.windowSeconds * 1000,
      endMs: t,
    })),
  );
  const storedOfRule = new Map<string, StoredAlert[]>();
  for (const row of stored) storedOfRule.set(row.ruleId, [...(storedOfRule.get(row.ruleId) ?? []), row]);
  const writes = rules.flatMap((rule, index) =>
    nextAlerts(rule.id, ruleSpecOf(rule), storedOfRule.get(rule.id) ?? [], series[index] ?? [], t),
  );
  await writeAlerts(db, batch.tenantId, writes, at);
  return { rules: rules.length, writes };
}
