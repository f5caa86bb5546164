import { and, desc, eq, gte, ilike, lt, lte, or, type SQL, sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { keysetPage, type Page } from "../http/pagination.ts";
import { HttpProblem } from "../http/problem.ts";
import type { Point } from "./aggregate.ts";
import { type Selector, selectorFilter } from "./selector.ts";
import { logRecords, metricPoints, metricSeries, type SeriesKind } from "./tables.ts";

export type Series = typeof metricSeries.$inferSelect;
export type LogRecord = typeof logRecords.$inferSelect;

/** SQLSTATE 2201B: Postgres could not read a matcher's regex. */
const INVALID_REGEX = "2201B";

function codeOf(error: unknown): unknown {
  let current = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (code !== undefined) return code;
    current = current.cause;
  }
  return undefined;
}

/** Runs a query with matchers; a regex Postgres refuses is the caller's mistake (400), not ours. */
export async function withMatchers<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (codeOf(error) === INVALID_REGEX)
      throw new HttpProblem("validation-error", "A matcher's regex is not valid.", {
        errors: [{ path: "query.selector", message: "a regex is not valid" }],
      });
    throw error;
  }
}

const seriesColumns = { name: sql`${metricSeries.name}`, labels: sql`${metricSeries.labels}` };

/** A page of the tenant's series matching the selector (all series without one), in id order. */
export function listSeries(
  db: Database,
  tenantId: string,
  selector: Selector | null,
  page: Page,
): Promise<Series[]> {
  return withMatchers(() =>
    keysetPage(
      db.select().from(metricSeries).$dynamic(),
      metricSeries.id,
      page,
      eq(metricSeries.tenantId, tenantId),
      selector ? selectorFilter(selector, seriesColumns) : undefined,
    ),
  );
}

export type SeriesPoints = {
  id: string;
  name: string;
  labels: Record<string, string>;
  kind: SeriesKind;
  points: Point[];
};

/**
 * The points of every matching series in [startMs, endMs], grouped by series in time order; null when
 * there are more than `maxPoints` (the caller narrows the query).
 */
export async function seriesPoints(
  db: Database,
  tenantId: string,
  selector: Selector,
  range: { startMs: number; endMs: number },
  maxPoints: number,
): Promise<SeriesPoints[] | null> {
  const rows = await withMatchers(() =>
    db
      .select({
        id: metricSeries.id,
        name: metricSeries.name,
        labels: metricSeries.labels,
        kind: metricSeries.kind,
        t: sql<number>`(extract(epoch from ${metricPoints.time}) * 1000)::float8`,
        v: metricPoints.value,
      })
      .from(metricSeries)
      .innerJoin(metricPoints, eq(metricPoints.seriesId, metricSeries.id))
      .where(
        and(
          eq(metricSeries.tenantId, tenantId),
          selectorFilter(selector, seriesColumns),
          gte(metricPoints.time, new Date(range.startMs)),
          lte(metricPoints.time, new Date(range.endMs)),
        ),
      )
      .orderBy(metricSeries.id, metricPoints.time)
      .limit(maxPoints + 1),
  );
  if (rows.length > maxPoints) return null;
  const series = new Map<string, SeriesPoints>();
  for (const row of rows) {
    let entry = series.get(row.id);
    if (!entry) {
      entry = { id: row.id, name: row.name, labels: row.labels, kind: row.kind, points: [] };
      series.set(row.id, entry);
    }
    entry.points.push({ t: row.t, v: row.v });
  }
  return [...series.values()];
}

export type LogFilters = {
  startMs: number;
  endMs: number;
  minSeverity: number;
  text: string | undefined;
  attribute: { key: string; value: string } | undefined;
  limit: number;
  /** The last record of the previous page (newest first). */
  after: { timeMs: number; id: string } | undefined;
};

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (char) => `\\${char}`);

/** A page of the tenant's log records, newest first, matching the filters; one more than `limit` is read. */
export function listLogs(db: Database, tenantId: string, filters: LogFilters): Promise<LogRecord[]> {
  const conditions: (SQL | undefined)[] = [
    eq(logRecords.tenantId, tenantId),
    gte(logRecords.time, new Date(filters.startMs)),
    lte(logRecords.time, new Date(filters.endMs)),
    filters.minSeverity > 0 ? gte(logRecords.severityNumber, filters.minSeverity) : undefined,
    filters.text ? ilike(logRecords.body, `%${escapeLike(filters.text)}%`) : undefined,
    filters.attribute
      ? sql`${logRecords.attributes} ->> ${filters.attribute.key} = ${filters.attribute.value}`
      : undefined,
  ];
  if (filters.after) {
    const time = new Date(filters.after.timeMs);
    conditions.push(
      or(lt(logRecords.time, time), and(eq(logRecords.time, time), lt(logRecords.id, filters.after.id))),
    );
  }
  return db
    .select()
    .from(logRecords)
    .where(and(...conditions))
    .orderBy(desc(logRecords.time), desc(logRecords.id))
    .limit(filters.limit + 1);
}

/** One selector's read: its series' points in [startMs, endMs]. */
export type SelectorRead = { selector: Selector; startMs: number; endMs: number };

/**
 * The points of many selectors' series in one query (one branch of a UNION ALL per selector, so each keeps
 * Postgres's reading of its regexes): for each read, in its order, its series with their points in time order.
 */
export async function seriesPointsOfEach(
  db: Database,
  tenantId: string,
  reads: SelectorRead[],
): Promise<SeriesPoints[][]> {
  if (reads.length === 0) return [];
  const columns = { name: sql`s.name`, labels: sql`s.labels` };
  const branches = reads.map(
    (read, index) => sql`(select ${index}::int as read, s.id, s.name, s.labels, s.kind,
      (extract(epoch from p.time) * 1000)::float8 as t, p.value as v
      from ${metricSeries} s join ${metricPoints} p on p.series_id = s.id
      where s.tenant_id = ${tenantId} and ${selectorFilter(read.selector, columns)}
        and p.time >= ${new Date(read.startMs).toISOString()} and p.time <= ${new Date(read.endMs).toISOString()})`,
  );
  const result = await withMatchers(() =>
    db.execute<{
      read: number;
      id: string;
      name: string;
      labels: Record<string, string>;
      kind: SeriesKind;
      t: number;
      v: number;
    }>(sql`${sql.join(branches, sql` union all `)} order by read, id, t`),
  );
  const series = reads.map(() => new Map<string, SeriesPoints>());
  for (const row of result.rows) {
    const ofRead = series[row.read];
    if (!ofRead) continue;
    let entry = ofRead.get(row.id);
    if (!entry) {
      entry = { id: row.id, name: row.name, labels: row.labels, kind: row.kind, points: [] };
      ofRead.set(row.id, entry);
    }
    entry.points.push({ t: row.t, v: row.v });
  }
  return series.map((ofRead) => [...ofRead.values()]);
}
