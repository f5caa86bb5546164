import { and, desc, eq, gte, ilike, lt, lte, or, type SQL, sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { tenantRows } from "../db/tenant-rows.ts";
import { listTenantRows, type Page } from "../http/pagination.ts";
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

/**
 * Runs a query with matchers; a regex Postgres refuses is the caller's mistake (400 at `path`, where the
 * request gave the selector), not ours.
 */
export async function withMatchers<T>(work: () => Promise<T>, path = "query.selector"): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (codeOf(error) === INVALID_REGEX)
      throw new HttpProblem("validation-error", "A matcher's regex is not valid.", {
        errors: [{ path, message: "a regex is not valid" }],
      });
    throw error;
  }
}

/**
 * Refuses (400 at `path`) a selector with a regex Postgres cannot read, before it is stored: the parser
 * checks regexes as JavaScript reads them, and a few escapes (`\Q`, `\z` …) pass there but not in Postgres,
 * where a stored rule would then fail every evaluation. One statement, only when there are regexes.
 */
export async function checkRegexesReadable(db: Database, selector: Selector, path: string): Promise<void> {
  const patterns = selector.matchers.filter((matcher) => matcher.op === "=~" || matcher.op === "!~");
  if (patterns.length === 0) return;
  // Counting over every pattern compiles each one; `~ any(...)` would stop at the first match.
  const values = sql.join(
    patterns.map((matcher) => sql`(${matcher.value})`),
    sql`, `,
  );
  await withMatchers(
    () => db.execute(sql`select count(*) from (values ${values}) as p(re) where '' ~ p.re`),
    path,
  );
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
    listTenantRows(
      db,
      metricSeries,
      tenantId,
      page,
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
        tenantRows(
          metricSeries,
          tenantId,
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

/** A matcher in SQL over a series `s` and a matcher row `m`, as `selectorFilter` writes each one. */
const MATCHER_HOLDS = sql`case m.op
  when '=' then coalesce(s.labels ->> m.label, '') = m.value
  when '!=' then coalesce(s.labels ->> m.label, '') <> m.value
  when '=~' then coalesce(s.labels ->> m.label, '') ~ ('^(?:' || m.value || ')$')
  else coalesce(s.labels ->> m.label, '') !~ ('^(?:' || m.value || ')$') end`;

/**
 * The points of many selectors' series in one statement of constant size: the selectors go as one JSON
 * parameter, a named one reaches its series through the (tenant, name) index, and every matcher runs in
 * Postgres (so regexes read as they do in `selectorFilter`). For each read, in its order, its series with
 * their points in time order.
 */
export async function seriesPointsOfEach(
  db: Database,
  tenantId: string,
  reads: SelectorRead[],
): Promise<SeriesPoints[][]> {
  if (reads.length === 0) return [];
  const selectors = JSON.stringify(
    reads.map((read, index) => ({
      read: index,
      name: read.selector.name,
      matchers: read.selector.matchers,
      start_at: new Date(read.startMs).toISOString(),
      end_at: new Date(read.endMs).toISOString(),
    })),
  );
  const result = await withMatchers(() =>
    db.execute<{
      read: number;
      id: string;
      name: string;
      labels: Record<string, string>;
      kind: SeriesKind;
      ts: number[];
      vs: number[];
    }>(sql`
      with reads as (
        select * from jsonb_to_recordset(${selectors}::jsonb)
          as r(read int, name text, matchers jsonb, start_at timestamptz, end_at timestamptz)
      ), candidates as (
        -- Lateral, so a named read is an index lookup, never a scan of the tenant's series.
        select r.*, s.id, s.series_name, s.labels, s.kind from reads r cross join lateral (
          select id, name as series_name, labels, kind from ${metricSeries}
          where tenant_id = ${tenantId} and name = r.name) s
        union all
        -- A read without a name scans the tenant's series; the test on r.name is a one-time filter per read.
        select r.*, s.id, s.series_name, s.labels, s.kind from reads r cross join lateral (
          select id, name as series_name, labels, kind from ${metricSeries}
          where tenant_id = ${tenantId} and r.name is null) s
      ), matched as (
        select * from candidates s where not exists (
          select 1 from jsonb_to_recordset(s.matchers) as m(label text, op text, value text)
          where not (${MATCHER_HOLDS}))
      ), windows as (
        select start_at, end_at, array_agg(distinct id) as ids from matched group by start_at, end_at
      ), points as materialized (
        -- One index scan per distinct window (a handful), not a lookup per series: without statistics the
        -- planner combines each lookup with the tenant's time index for the RLS predicate, a scan of all the
        -- tenant's points in the window per series. Materialized, so the join cannot be pushed back in.
        select w.start_at, w.end_at, p.series_id, p.t, p.v from windows w cross join lateral (
          select series_id, (extract(epoch from time) * 1000)::float8 as t, value as v from ${metricPoints}
          where series_id = any(w.ids) and time >= w.start_at and time <= w.end_at) p
      )
      -- A row per series, its points as two arrays: a row per point would send its labels with each.
      select s.read, s.id, s.series_name as name, s.labels, s.kind,
        array_agg(p.t order by p.t) as ts, array_agg(p.v order by p.t) as vs
      from matched s join points p on p.series_id = s.id and p.start_at = s.start_at and p.end_at = s.end_at
      group by s.read, s.id, s.series_name, s.labels, s.kind
      order by s.read, s.id`),
  );
  const series = reads.map((): SeriesPoints[] => []);
  for (const row of result.rows)
    series[row.read]?.push({
      id: row.id,
      name: row.name,
      labels: row.labels,
      kind: row.kind,
      points: row.ts.map((t, index) => ({ t, v: row.vs[index] ?? Number.NaN })),
    });
  return series;
}
