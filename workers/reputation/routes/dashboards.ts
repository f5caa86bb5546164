import type { BatchItem } from "drizzle-orm/batch";
import type { Context } from "hono";
import type { HttpDatabase } from "../../db/client.ts";
import type { AppEnv } from "../../http/app-env.ts";
import { jsonResponse } from "../../http/openapi.ts";
import { pageSchema } from "../../http/pagination.ts";
import { notFound, validationProblem } from "../../http/problem.ts";
import { RouteGroup, tenantQuery } from "../../http/route-kit.ts";
import { PostSchema, renderPost } from "../../insights/api-schemas.ts";
import { readOfBrand } from "../../insights/routes/brand-reads.ts";
import {
  encodeMentionCursor,
  FORMULAS,
  MentionsQuerySchema,
  MentionWindowQuerySchema,
  ReputationChannelsSchema,
  ReputationSummarySchema,
  ReputationTimelineSchema,
  renderChannels,
  renderSummary,
  renderTimeline,
  TimelineQuerySchema,
  WINDOW_RULE,
} from "../api-schemas.ts";
import {
  MAX_WINDOW_DAYS,
  type MentionWindow,
  resolveWindow,
  sentimentFigures,
  shareOfVoice,
} from "../mention-figures.ts";
import {
  brandWindowTallies,
  channelTallies,
  listMentions,
  splitBrandWindows,
  tallyOf,
  timelineTallies,
} from "../mentions.ts";
import { READ } from "./access.ts";

const routes = new RouteGroup("Reputation", { module: "reputation" });

function windowOf(query: { from?: string | undefined; to?: string | undefined }): MentionWindow {
  const window = resolveWindow(query.from, query.to, new Date());
  if (!window)
    throw validationProblem([
      {
        path: "query.from",
        message: `from must be before to, and the window at most ${MAX_WINDOW_DAYS} days long`,
      },
    ]);
  return window;
}

/**
 * The rows of one statement over the brand's mentions in the query's window, read in one round trip; 404
 * when the tenant has no such brand (every such statement yields no row then).
 */
async function brandWindowRows<T extends { rows: unknown[] }>(
  c: Context<AppEnv>,
  query: { brand_id: string; from?: string | undefined; to?: string | undefined },
  statement: (
    db: HttpDatabase,
    tenantId: string,
    window: MentionWindow,
  ) => BatchItem<"pg"> & { readonly _: { readonly result: T } },
): Promise<{ window: MentionWindow; rows: T["rows"] }> {
  const window = windowOf(query);
  const { rows } = await tenantQuery(c, (db, tenantId) => statement(db, tenantId, window), {
    readOnly: true,
  });
  if (rows.length === 0) throw notFound("brand");
  return { window, rows };
}

routes.add(
  {
    method: "get",
    path: "/api/v1/reputation/summary",
    operationId: "getReputationSummary",
    summary: "A brand's mentions over a window: reach, authors, sentiment, score, share of voice, change",
    description: `The brand's mentions (its posts, comments and reviews) published in the window, the same figures for the previous window of the same length, and the change between them. Share of voice compares the brand with the brands named as its competitors. ${WINDOW_RULE}\n\n${FORMULAS}`,
    access: READ,
    query: MentionWindowQuerySchema,
    responses: { 200: jsonResponse(ReputationSummarySchema, "The brand's figures and their change") },
    problems: [404],
  },
  async (c, { query }) => {
    const { window, rows } = await brandWindowRows(c, query, (db, tenantId, within) =>
      brandWindowTallies(db, tenantId, query.brand_id, within),
    );
    const { current, previous } = splitBrandWindows(rows, query.brand_id);
    const figures = (brand: typeof current.brand, competitors: typeof previous.competitors) => ({
      tally: brand,
      sentiment: sentimentFigures(brand),
      shareOfVoice: shareOfVoice(brand, competitors),
    });
    return c.json(
      renderSummary(
        query.brand_id,
        window,
        figures(
          current.brand,
          current.competitors.map((competitor) => competitor.tally),
        ),
        figures(previous.brand, previous.competitors),
        current.competitors,
      ),
      200,
    );
  },
);

routes.add(
  {
    method: "get",
    path: "/api/v1/reputation/timeline",
    operationId: "getReputationTimeline",
    summary: "A brand's mentions per UTC day or week: mentions, reach, sentiment counts, score",
    description: `Every bucket that overlaps the window is listed, empty or not, oldest first; a bucket counts only mentions inside the window, so the buckets' mentions, reach, engagement and sentiment counts add up to the summary of the same window. ${WINDOW_RULE}\n\n${FORMULAS}`,
    access: READ,
    query: TimelineQuerySchema,
    responses: { 200: jsonResponse(ReputationTimelineSchema, "The buckets of the window") },
    problems: [404],
  },
  async (c, { query }) => {
    const { window, rows } = await brandWindowRows(c, query, (db, tenantId, within) =>
      timelineTallies(db, tenantId, query.brand_id, within, query.interval),
    );
    const buckets = rows.map((row) => ({ starts: row.starts, tally: tallyOf(row) }));
    return c.json(renderTimeline(query.brand_id, query.interval, window, buckets), 200);
  },
);

routes.add(
  {
    method: "get",
    path: "/api/v1/reputation/channels",
    operationId: "getReputationChannels",
    summary: "A brand's mention figures per network",
    description: `The summary's figures for each network (every network listed, in a fixed order); their mentions, reach, engagement, unique authors and sentiment counts add up to the summary of the same window. ${WINDOW_RULE}\n\n${FORMULAS}`,
    access: READ,
    query: MentionWindowQuerySchema,
    responses: { 200: jsonResponse(ReputationChannelsSchema, "The figures per network") },
    problems: [404],
  },
  async (c, { query }) => {
    const { window, rows } = await brandWindowRows(c, query, (db, tenantId, within) =>
      channelTallies(db, tenantId, query.brand_id, within),
    );
    const channels = rows.map((row) => ({ network: row.network, tally: tallyOf(row) }));
    return c.json(renderChannels(query.brand_id, window, channels), 200);
  },
);

routes.add(
  {
    method: "get",
    path: "/api/v1/reputation/mentions",
    operationId: "listReputationMentions",
    summary: "A brand's mentions, filtered and sorted by recency or reach",
    description:
      "Cursor pages of the brand's posts, comments and reviews, filtered by network, sentiment label, author handle, publication range and text, newest first (`sort=recent`) or most reached first (`sort=reach`). An unknown brand, or another tenant's, is 404.",
    access: READ,
    query: MentionsQuerySchema,
    responses: { 200: jsonResponse(pageSchema(PostSchema, "MentionPage"), "A page of mentions") },
    problems: [404],
  },
  async (c, { query: { brand_id: brandId, sort, limit, cursor, ...filters } }) => {
    if (cursor && cursor.sort !== sort)
      throw validationProblem([{ path: "query.cursor", message: `the cursor is of sort=${cursor.sort}` }]);
    const rows = await readOfBrand(c, brandId, (db, tenantId) =>
      listMentions(db, tenantId, brandId, sort, filters, { limit, cursor }),
    );
    const shown = rows.slice(0, limit);
    const last = shown[shown.length - 1];
    return c.json(
      {
        data: shown.map(renderPost),
        next_cursor:
          rows.length > limit && last ? encodeMentionCursor({ sort, key: last.sortKey, id: last.id }) : null,
      },
      200,
    );
  },
);

export const registerReputationDashboardRoutes = routes.register;
