import { sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { projects } from "../projects/tables.ts";
import { rankChecks, rankTracking } from "./tables.ts";
import { TRACKING_LOCALE, trackingLookup } from "./tracking.ts";

/** Observations per keyword in a project's rank history, newest first. */
export const HISTORY_PER_KEYWORD = 30;

export type Observation = {
  status: "ranked" | "not_found";
  position: number | null;
  url: string | null;
  fetchedAt: Date;
};

export type Movement = "up" | "down" | "same" | "entered" | "dropped";

/**
 * How a keyword moved between its two latest observations: `change` is positions gained (a move from 8
 * to 3 is +5), null unless ranked both times; entering or dropping out of the first 100 has no number.
 */
export function movementOf(
  latest: Observation | undefined,
  previous: Observation | undefined,
): { change: number | null; movement: Movement | null } {
  if (!latest || !previous) return { change: null, movement: null };
  if (latest.position !== null && previous.position !== null) {
    const change = previous.position - latest.position;
    return { change, movement: change > 0 ? "up" : change < 0 ? "down" : "same" };
  }
  if (latest.position !== null) return { change: null, movement: "entered" };
  if (previous.position !== null) return { change: null, movement: "dropped" };
  return { change: null, movement: "same" };
}

type HistoryRow = {
  keyword: string;
  status: "ranked" | "not_found";
  position: number | null;
  url: string | null;
  fetched_at: string | Date;
};

const observation = (row: HistoryRow): Observation => ({
  status: row.status,
  position: row.position,
  url: row.url,
  fetchedAt: new Date(row.fetched_at),
});

/** The latest observations (at most `perKeyword`) of each keyword for a domain at the tracking locale. */
async function historyOf(
  db: Database,
  tenantId: string,
  domain: string,
  keywords: string[],
  perKeyword: number,
) {
  if (keywords.length === 0) return new Map<string, Observation[]>();
  const { rows } = await db.execute<HistoryRow>(sql`
    select keyword, status, position, url, fetched_at from (
      select keyword, status, position, url, fetched_at,
        row_number() over (partition by keyword order by fetched_at desc) as n
      from ${rankChecks}
      where tenant_id = ${tenantId} and domain = ${domain} and gl = ${TRACKING_LOCALE.gl}
        and hl = ${TRACKING_LOCALE.hl} and device = ${TRACKING_LOCALE.device}
        and keyword in (${sql.join(
          keywords.map((keyword) => sql`${keyword}`),
          sql`, `,
        )})
    ) latest where n <= ${perKeyword}
    order by keyword, fetched_at desc`);
  const history = new Map<string, Observation[]>();
  for (const row of rows) history.set(row.keyword, [...(history.get(row.keyword) ?? []), observation(row)]);
  return history;
}

export type ProjectRanks = {
  domain: string | null;
  lastCheckAt: Date | null;
  nextCheckAt: Date | null;
  keywords: { keyword: string; history: Observation[]; change: number | null; movement: Movement | null }[];
};

/** A project's keywords with their rank history and their move since the lookup before; null for no project. */
export async function projectRanks(
  db: Database,
  tenantId: string,
  projectId: string,
): Promise<ProjectRanks | null> {
  const [project] = await db
    .execute<{
      site_url: string;
      keywords: string[];
      last_check_at: string | null;
      next_check_at: string | null;
    }>(sql`
    select p.site_url, p.keywords, t.last_check_at, t.next_check_at
    from ${projects} p left join ${rankTracking} t on t.project_id = p.id
    where p.id = ${projectId} and p.tenant_id = ${tenantId}`)
    .then((result) => result.rows);
  if (!project) return null;
  const lookup = trackingLookup({ siteUrl: project.site_url, keywords: project.keywords });
  const history = lookup
    ? await historyOf(db, tenantId, lookup.domain, lookup.keywords, HISTORY_PER_KEYWORD)
    : new Map();
  return {
    domain: lookup?.domain ?? null,
    lastCheckAt: project.last_check_at ? new Date(project.last_check_at) : null,
    nextCheckAt: project.next_check_at ? new Date(project.next_check_at) : null,
    keywords: (lookup?.keywords ?? []).map((keyword) => {
      const observations: Observation[] = history.get(keyword) ?? [];
      return { keyword, history: observations, ...movementOf(observations[0], observations[1]) };
    }),
  };
}
