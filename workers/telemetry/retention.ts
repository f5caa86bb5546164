import { eq, lt, sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { tenantRows } from "../db/tenant-rows.ts";
import { logRecords, metricPoints, telemetrySettings } from "./tables.ts";

/** How long a tenant's telemetry is kept unless its settings say otherwise, and the bounds of a setting. */
export const RETENTION_DAYS = { metricPoints: 15, logRecords: 7 } as const;
export const RETENTION_BOUNDS = { min: 1, max: 400 } as const;

/** Rows one statement deletes at most: a cleaning never holds long locks or a huge transaction. */
export const DELETE_BATCH_ROWS = 10_000;

const DAY_MS = 24 * 60 * 60 * 1000;

export type Retention = { metricPointsDays: number; logRecordsDays: number };
/** A setting as stored: null is the default. */
export type RetentionSetting = { metricPointsDays: number | null; logRecordsDays: number | null };

export async function readRetention(db: Database, tenantId: string): Promise<Retention> {
  const [settings] = await db
    .select({
      metricPointsDays: telemetrySettings.metricPointsRetentionDays,
      logRecordsDays: telemetrySettings.logRecordsRetentionDays,
    })
    .from(telemetrySettings)
    .where(eq(telemetrySettings.tenantId, tenantId));
  return {
    metricPointsDays: settings?.metricPointsDays ?? RETENTION_DAYS.metricPoints,
    logRecordsDays: settings?.logRecordsDays ?? RETENTION_DAYS.logRecords,
  };
}

/** Sets the tenant's retention; the settings row is made on first use. */
export async function writeRetention(db: Database, tenantId: string, setting: RetentionSetting) {
  const values = {
    metricPointsRetentionDays: setting.metricPointsDays,
    logRecordsRetentionDays: setting.logRecordsDays,
  };
  await db
    .insert(telemetrySettings)
    .values({ tenantId, ...values })
    .onConflictDoUpdate({ target: telemetrySettings.tenantId, set: { ...values, updatedAt: new Date() } });
  return readRetention(db, tenantId);
}

/** What one cleaning pass deleted; a kind that filled its batch may have more to delete. */
export type Cleaned = { metricPoints: number; logRecords: number };

/**
 * Deletes at most one batch of the tenant's metric points and one of its log records older than its
 * retention at `now`, each a statement on the tenant-and-time index.
 */
export async function deleteExpired(db: Database, tenantId: string, now: Date, limit = DELETE_BATCH_ROWS) {
  const retention = await readRetention(db, tenantId);
  const pointsBefore = new Date(now.getTime() - retention.metricPointsDays * DAY_MS);
  const logsBefore = new Date(now.getTime() - retention.logRecordsDays * DAY_MS);
  const expiredPoints = db
    .select({ seriesId: metricPoints.seriesId, time: metricPoints.time })
    .from(metricPoints)
    .where(tenantRows(metricPoints, tenantId, lt(metricPoints.time, pointsBefore)))
    .limit(limit);
  const expiredLogs = db
    .select({ id: logRecords.id })
    .from(logRecords)
    .where(tenantRows(logRecords, tenantId, lt(logRecords.time, logsBefore)))
    .limit(limit);
  const points = await db
    .delete(metricPoints)
    .where(sql`(${metricPoints.seriesId}, ${metricPoints.time}) IN (${expiredPoints})`);
  const logs = await db.delete(logRecords).where(sql`${logRecords.id} IN (${expiredLogs})`);
  return { metricPoints: points.rowCount ?? 0, logRecords: logs.rowCount ?? 0 } satisfies Cleaned;
}
