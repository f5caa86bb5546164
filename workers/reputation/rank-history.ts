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

type Tracked = { domain: string; keyword: string };

const trackedKey = (tracked: Tracked) => `${tracked.domain}\n${tracked.keyword}`;

/** The latest observations (at most `perKeyword`) of each domain and keyword at the tracking locale. */
async function historyOf(db: Database, tenantId: string, tracked: Tracked[], perKeyword: number) {
  const history = new Map<string, Observation[]>();
  if (tracked.length === 0) return history;
  const pairs = sql.join(
    tracked.map((item) => sql`(${item.domain}, ${item.keyword})`),
    sql`, `,
  );
  const { rows } = await db.execute<HistoryRow & { domain: string }>(sql`
    select domain, keyword, status, position, url, fetched_at from (
      select domain, keyword, status, position, url, fetched_at,
        row_number() over (partition by domain, keyword order by fetched_at desc) as n
      from ${rankChecks}
      where tenant_id = ${tenantId} and gl = ${TRACKING_LOCALE.gl} and hl = ${TRACKING_LOCALE.hl}
        and device = ${TRACKING_LOCALE.device} and (domain, keyword) in (${pairs})
    ) latest where n <= ${perKeyword}
    order by domain, keyword, fetched_at desc`);
  for (const row of rows) {
    const key = trackedKey(row);
    history.set(key, [...(history.get(key) ?? []), observation(row)]);
  }
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
  const tracked = lookup ? lookup.keywords.map((keyword) => ({ domain: lookup.domain, keyword })) : [];
  const history = await historyOf(db, tenantId, tracked, HISTORY_PER_KEYWORD);
  return {
    domain: lookup?.domain ?? null,
    lastCheckAt: project.last_check_at ? new Date(project.last_check_at) : null,
    nextCheckAt: project.next_check_at ? new Date(project.next_check_at) : null,
    keywords: tracked.map((item) => {
      const observations = history.get(trackedKey(item)) ?? [];
      return {
        keyword: item.keyword,
        history: observations,
        ...movementOf(observations[0], observations[1]),
      };
    }),
  };
}

/** Movers shown in the overview: at most this many, the biggest moves first. */
export const MOVERS_LIMIT = 10;

export type RankMover = {
  projectId: string;
  projectName: string;
  keyword: string;
  position: number | null;
  previousPosition: number | null;
  change: number | null;
  movement: Exclude<Movement, "same">;
  fetchedAt: Date;
};

// Entering or dropping out of the first 100 results ranks with the biggest numbered moves.
const sizeOf = (mover: RankMover) => (mover.change === null ? 100 : Math.abs(mover.change));

/** The tenant's tracked keywords that moved between their two latest lookups, the biggest moves first. */
export async function rankMovers(db: Database, tenantId: string): Promise<RankMover[]> {
  const tenantProjects = await db
    .select({ id: projects.id, name: projects.name, siteUrl: projects.siteUrl, keywords: projects.keywords })
    .from(projects)
    .where(sql`${projects.tenantId} = ${tenantId} and cardinality(${projects.keywords}) > 0`)
    .orderBy(projects.name, projects.id)
    .limit(200);
  const tracked = tenantProjects.flatMap((project) => {
    const lookup = trackingLookup(project);
    return lookup ? lookup.keywords.map((keyword) => ({ project, domain: lookup.domain, keyword })) : [];
  });
  const history = await historyOf(db, tenantId, tracked, 2);
  const movers: RankMover[] = [];
  for (const { project, domain, keyword } of tracked) {
    const [latest, previous] = history.get(trackedKey({ domain, keyword })) ?? [];
    const { change, movement } = movementOf(latest, previous);
    if (!latest || !previous || movement === null || movement === "same") continue;
    movers.push({
      projectId: project.id,
      projectName: project.name,
      keyword,
      position: latest.position,
      previousPosition: previous.position,
      change,
      movement,
      fetchedAt: latest.fetchedAt,
    });
  }
  return movers.sort((a, b) => sizeOf(b) - sizeOf(a)).slice(0, MOVERS_LIMIT);
}
