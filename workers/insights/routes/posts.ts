import { type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { principalOf } from "../../access/authorize.ts";
import { IdParamSchema } from "../../http/api-schemas.ts";
import type { AppEnv } from "../../http/app-env.ts";
import { jsonResponse } from "../../http/openapi.ts";
import { ListQuerySchema, pageSchema, toPage } from "../../http/pagination.ts";
import { notFound, validationProblem } from "../../http/problem.ts";
import { jobContext } from "../../http/request-context.ts";
import { RouteGroup, tenantRead, tenantWrite } from "../../http/route-kit.ts";
import { enqueue } from "../../queue/enqueue.ts";
import {
  IngestOutcomeSchema,
  PostBatchSchema,
  PostListQuerySchema,
  PostSchema,
  renderPost,
} from "../api-schemas.ts";
import { postSentimentJob } from "../jobs.ts";
import { MAX_NDJSON_BYTES, MAX_NDJSON_LINES, NDJSON, ndjsonBatches } from "../ndjson.ts";
import {
  addOutcome,
  brandExists,
  emptyOutcome,
  type IngestOutcome,
  ingestItems,
  listPosts,
  MAX_BATCH,
  PostInputSchema,
  type RawItem,
} from "../posts.ts";
import { sentimentModelOf } from "../sentiment.ts";
import { READ, WRITE } from "./access.ts";
import { readOfBrand } from "./brand-reads.ts";

const routes = new RouteGroup("Insights", { module: "insights" });

async function ingestBatch(c: Context<AppEnv>, brandId: string, items: RawItem[]): Promise<IngestOutcome> {
  const outcome = await tenantWrite(c, (db, tenantId) => ingestItems(db, tenantId, brandId, items));
  if (!outcome) throw notFound("brand");
  return outcome;
}

/** An NDJSON load, stored a batch of lines at a time as they arrive; one answer for the whole load. */
async function ingestNdjson(c: Context<AppEnv>, brandId: string): Promise<IngestOutcome> {
  const body = c.req.raw.body;
  let total = emptyOutcome();
  if (body)
    for await (const batch of ndjsonBatches(body, MAX_BATCH))
      total = addOutcome(total, await ingestBatch(c, brandId, batch));
  else if (!(await tenantRead(c, (db, tenantId) => brandExists(db, tenantId, brandId))))
    throw notFound("brand");
  return total;
}

/** With OpenAI's sentiment configured, the stored posts are relabelled by the queue's job (sentiment.ts). */
async function relabelStored(c: Context<AppEnv>, brandId: string, outcome: IngestOutcome) {
  if (outcome.created + outcome.updated > 0 && sentimentModelOf(c.get("config")))
    await enqueue(
      c.env,
      postSentimentJob,
      { tenant_id: principalOf(c).tenantId, brand_id: brandId, after_id: null },
      jobContext(c),
    );
  return outcome;
}

routes.add(
  {
    method: "post",
    path: "/api/v1/brands/{id}/posts",
    operationId: "ingestBrandPosts",
    summary: "Store a batch of a brand's posts and comments (JSON or streamed NDJSON)",
    description: `An idempotent upsert on (brand, network, external_id): sending an item again updates it. Items are validated one by one, and the answer lists each rejected item by its index. Comments may come before their post. A JSON body carries up to ${MAX_BATCH} items (and, like every body, at most 1 MiB); an \`${NDJSON}\` body carries one PostInput per line, streamed and stored ${MAX_BATCH} lines at a time, up to ${MAX_NDJSON_LINES} lines and ${MAX_NDJSON_BYTES / 1024 / 1024} MiB. Each item gets its sentiment, emotions and topics from the in-Worker language method (\`sentiment.source\` \`lexicon-v1\`); with OPENAI_SENTIMENT_MODEL set, a job then relabels the stored items' sentiment by OpenAI (\`sentiment.source\` \`openai:<model>\`).`,
    access: WRITE,
    request: {
      params: IdParamSchema,
      body: {
        required: false,
        content: {
          "application/json": { schema: PostBatchSchema },
          [NDJSON]: { schema: z.string().openapi({ description: "One PostInput JSON object per line." }) },
        },
      },
    },
    responses: {
      200: jsonResponse(IngestOutcomeSchema, "How many items were created, updated and rejected"),
    },
    problems: [404],
  },
  async (c, { params: { id } }) => {
    if ((c.req.header("content-type") ?? "").toLowerCase().startsWith(NDJSON))
      return c.json(await relabelStored(c, id, await ingestNdjson(c, id)), 200);
    // The JSON body is optional to the validator only so that NDJSON can bypass it; JSON must send one.
    const { posts } = c.req.valid("json") as Partial<z.output<typeof PostBatchSchema>>;
    if (!posts) throw validationProblem([{ path: "body.posts", message: "send a batch of posts" }]);
    const outcome = await ingestBatch(
      c,
      id,
      posts.map((value, index) => ({ index, value })),
    );
    return c.json(await relabelStored(c, id, outcome), 200);
  },
);

routes.add(
  {
    method: "get",
    path: "/api/v1/brands/{id}/posts",
    operationId: "listBrandPosts",
    summary: "A brand's posts, filtered by network, kind, author, date range and text",
    access: READ,
    params: IdParamSchema,
    query: ListQuerySchema.extend(PostListQuerySchema.shape),
    responses: { 200: jsonResponse(pageSchema(PostSchema, "PostPage"), "A page of posts, in ingest order") },
    problems: [404],
  },
  async (c, { params: { id }, query }) => {
    const rows = await readOfBrand(c, id, (db, tenantId) => listPosts(db, tenantId, id, query));
    return c.json(toPage(rows, query, renderPost), 200);
  },
);

/** The routes, and `PostInput` in the document's schemas: items are validated one by one, so no route names it. */
export function registerPostRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openAPIRegistry.register("PostInput", PostInputSchema);
  routes.register(app);
}
