import { sql } from "drizzle-orm";
import { alertRules, alerts } from "../alerts/tables.ts";
import { AUDIT_STATUSES, audits } from "../audits/tables.ts";
import { CHANNELS, conversations } from "../conversations/tables.ts";
import type { Database } from "../db/client.ts";
import { BATCH_STATES, importBatches } from "../imports/tables.ts";
import { labelText, type Samples, sampleKey } from "../observability/series.ts";

/** How long an audit may wait in the queue before it counts as backlog. */
export const QUEUED_TOO_LONG_MINUTES = 5;

type GaugeRow = {
  gauge: "audits" | "queued_too_long" | "conversations_open" | "import_batches" | "alerts";
  label: string | null;
  value: number;
};

/**
 * The gauges read from the database when Prometheus scrapes, across tenants (no tenant label: their number
 * is unbounded), in one round trip. Statuses and channels with no rows are reported as 0.
 */
export async function databaseGauges(db: Database): Promise<Samples> {
  const { rows } = await db.execute<GaugeRow>(sql`
    SELECT 'audits' AS gauge, ${audits.status} AS label, count(*)::int AS value FROM ${audits} GROUP BY ${audits.status}
    UNION ALL
    SELECT 'queued_too_long', NULL, count(*)::int FROM ${audits}
      WHERE ${audits.status} = 'queued' AND ${audits.createdAt} < now() - make_interval(mins => ${QUEUED_TOO_LONG_MINUTES})
    UNION ALL
    SELECT 'conversations_open', ${conversations.channel}, count(*)::int FROM ${conversations}
      WHERE ${conversations.status} = 'open' GROUP BY ${conversations.channel}
    UNION ALL
    SELECT 'import_batches', ${importBatches.state}, count(*)::int FROM ${importBatches} GROUP BY ${importBatches.state}
    UNION ALL
    SELECT 'alerts', ${alerts.state}, count(*)::int FROM ${alerts}
      JOIN ${alertRules} ON ${alertRules.id} = ${alerts.ruleId}
      WHERE ${alertRules.enabled} AND ${alerts.state} IN ('pending', 'firing') GROUP BY ${alerts.state}`);
  const value = (gauge: GaugeRow["gauge"], label: string | null) =>
    rows.find((row) => row.gauge === gauge && row.label === label)?.value ?? 0;
  const samples: Samples = {};
  for (const status of AUDIT_STATUSES)
    samples[sampleKey("borde_audits", labelText("borde_audits", { status }))] = value("audits", status);
  samples[sampleKey("borde_audits_queued_too_long", "")] = value("queued_too_long", null);
  for (const channel of CHANNELS)
    samples[sampleKey("borde_conversations_open", labelText("borde_conversations_open", { channel }))] =
      value("conversations_open", channel);
  for (const state of BATCH_STATES)
    samples[sampleKey("borde_import_batches", labelText("borde_import_batches", { state }))] = value(
      "import_batches",
      state,
    );
  for (const state of ["pending", "firing"])
    samples[sampleKey("borde_alerts", labelText("borde_alerts", { state }))] = value("alerts", state);
  return samples;
}
