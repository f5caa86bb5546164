import { z } from "@hono/zod-openapi";
import { eq, gte, ilike, lt, type SQL, sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { tenantRow } from "../db/tenant-rows.ts";
import { type Page, tenantPage } from "../http/pagination.ts";
import type { FieldError } from "../http/problem.ts";
import { uuidv7 } from "../lib/uuid.ts";
import { analyseText, LANGUAGE_METHOD } from "./language/text-analysis.ts";
import { brands, NETWORKS, POST_KINDS, posts } from "./tables.ts";

export type Post = typeof posts.$inferSelect;

/** The most items one JSON batch may carry. */
export const MAX_BATCH = 1000;
/** Rejected items listed in an answer; `rejected` counts them all. */
export const MAX_LISTED_ERRORS = 1000;

const NUL = "\u0000";
const storable = (schema: z.ZodString) =>
  schema.refine((value) => !value.includes(NUL), "must not contain the NUL character (U+0000)");

const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const PostInputSchema = z
  .object({
    network: z.enum(NETWORKS),
    external_id: storable(z.string().trim().min(1).max(200)).openapi({
      description:
        "The network's id of the post; unique per brand and network, so sending it again updates it.",
    }),
    kind: z.enum(POST_KINDS).default("post"),
    parent_external_id: storable(z.string().trim().min(1).max(200)).nullable().default(null).openapi({
      description:
        "For a comment: the external_id of its post (on the same network), sent before or after it.",
    }),
    url: z
      .url({ protocol: /^https?$/ })
      .max(2048)
      .nullable()
      .default(null),
    author: z
      .object({
        handle: storable(z.string().trim().min(1).max(200)).nullable().default(null),
        name: storable(z.string().trim().max(200)).nullable().default(null),
        followers: count.nullable().default(null),
      })
      .nullable()
      .default(null),
    text: storable(z.string().max(10_000)),
    language: z
      .string()
      .regex(/^[a-z]{2}$/, "a two-letter ISO 639-1 code")
      .nullable()
      .default(null)
      .openapi({ description: "Detected (es or en) when not given." }),
    published_at: z.iso.datetime({ offset: true }),
    metrics: z
      .object({
        likes: count.default(0),
        comments: count.default(0),
        shares: count.default(0),
        views: count.default(0),
        reach: count.default(0),
      })
      .default({ likes: 0, comments: 0, shares: 0, views: 0, reach: 0 }),
  })
  .refine((item) => item.kind !== "comment" || item.parent_external_id !== null, {
    path: ["parent_external_id"],
    message: "a comment names the external_id of its post",
  })
  .openapi("PostInput");

export type PostInput = z.output<typeof PostInputSchema>;

export type IngestOutcome = {
  created: number;
  updated: number;
  /** Items whose (network, external_id) came again later in the same batch: the later one is stored. */
  duplicates: number;
  rejected: number;
  errors: { index: number; errors: FieldError[] }[];
};

export const emptyOutcome = (): IngestOutcome => ({
  created: 0,
  updated: 0,
  duplicates: 0,
  rejected: 0,
  errors: [],
});

/** Adds a batch's counts to a running total (NDJSON answers for all its batches). */
export function addOutcome(total: IngestOutcome, batch: IngestOutcome): IngestOutcome {
  return {
    created: total.created + batch.created,
    updated: total.updated + batch.updated,
    duplicates: total.duplicates + batch.duplicates,
    rejected: total.rejected + batch.rejected,
    errors: [...total.errors, ...batch.errors].slice(0, MAX_LISTED_ERRORS),
  };
}

/** An item that did not validate, at its position in the request. */
export function rejection(index: number, error: z.ZodError): IngestOutcome["errors"][number] {
  return {
    index,
    errors: error.issues.map((issue) => ({ path: issue.path.join(".") || "item", message: issue.message })),
  };
}

/** An item of a request: its position (array index or NDJSON line) and its value, or why it is unreadable. */
export type RawItem = { index: number; value: unknown } | { index: number; error: string };

/** Validates items one by one, so one bad item is reported by its index and never loses the good ones. */
export function validateItems(items: RawItem[]) {
  const valid: { index: number; item: PostInput }[] = [];
  const errors: IngestOutcome["errors"] = [];
  for (const raw of items) {
    if ("error" in raw) {
      errors.push({ index: raw.index, errors: [{ path: "item", message: raw.error }] });
      continue;
    }
    const parsed = PostInputSchema.safeParse(raw.value);
    if (parsed.success) valid.push({ index: raw.index, item: parsed.data });
    else errors.push(rejection(raw.index, parsed.error));
  }
  return { valid, errors };
}

/** Validates and stores a batch of a brand's items; null when the tenant has no such brand. */
export async function ingestItems(
  db: Database,
  tenantId: string,
  brandId: string,
  items: RawItem[],
): Promise<IngestOutcome | null> {
  const { valid, errors } = validateItems(items);
  const stored = await upsertPosts(db, tenantId, brandId, valid);
  if (!stored) return null;
  return { ...stored, rejected: errors.length, errors: errors.slice(0, MAX_LISTED_ERRORS) };
}

/**
 * The columns an item sets, with their types: a batch goes to the database as one JSON parameter read by
 * jsonb_to_recordset, which Postgres parses far faster than a statement with 22 bound values per row.
 */
const ITEM_COLUMNS = [
  ["id", "uuid"],
  ["network", "text"],
  ["external_id", "text"],
  ["kind", "text"],
  ["parent_external_id", "text"],
  ["url", "text"],
  ["author_handle", "text"],
  ["author_name", "text"],
  ["author_followers", "bigint"],
  ["text", "text"],
  ["language", "text"],
  ["published_at", "timestamptz"],
  ["likes", "bigint"],
  ["comments", "bigint"],
  ["shares", "bigint"],
  ["views", "bigint"],
  ["reach", "bigint"],
  ["sentiment_label", "text"],
  ["sentiment_score", "double precision"],
  ["sentiment_source", "text"],
  ["emotions", "text[]"],
  ["topics", "text[]"],
] as const;

type ItemColumn = (typeof ITEM_COLUMNS)[number][0];

const KEY_COLUMNS: ItemColumn[] = ["id", "network", "external_id"];
const COLUMN_LIST = sql.raw(ITEM_COLUMNS.map(([column]) => `"${column}"`).join(", "));
const RECORD_TYPE = sql.raw(ITEM_COLUMNS.map(([column, type]) => `"${column}" ${type}`).join(", "));
const UPDATE_ON_CONFLICT = sql.raw(
  [
    ...ITEM_COLUMNS.filter(([column]) => !KEY_COLUMNS.includes(column)).map(
      ([column]) => `"${column}" = excluded."${column}"`,
    ),
    "updated_at = now()",
  ].join(", "),
);

/** An item as the row it becomes, with the language method's labels. */
function rowOf(item: PostInput): Record<ItemColumn, unknown> {
  const analysis = analyseText(item.text);
  return {
    id: uuidv7(),
    network: item.network,
    external_id: item.external_id,
    kind: item.kind,
    parent_external_id: item.parent_external_id,
    url: item.url,
    author_handle: item.author?.handle ?? null,
    author_name: item.author?.name ?? null,
    author_followers: item.author?.followers ?? null,
    text: item.text,
    language: item.language ?? analysis.language,
    published_at: item.published_at,
    ...item.metrics,
    sentiment_label: analysis.sentiment.label,
    sentiment_score: analysis.sentiment.score,
    sentiment_source: LANGUAGE_METHOD,
    emotions: analysis.emotions,
    topics: analysis.topics,
  };
}

/**
 * Stores a brand's validated items in one multi-row upsert on (brand, network, external_id), then links
 * every comment of the brand still without its parent to a parent now stored, so comments may come
 * before their post (in the same batch or an earlier one). Within a batch the last item of a key wins.
 * Null when the tenant has no such brand.
 */
export async function upsertPosts(
  db: Database,
  tenantId: string,
  brandId: string,
  valid: { index: number; item: PostInput }[],
): Promise<Pick<IngestOutcome, "created" | "updated" | "duplicates"> | null> {
  if (!(await brandExists(db, tenantId, brandId))) return null;
  const latest = new Map<string, PostInput>();
  for (const { item } of valid) {
    const key = `${item.network}\u0001${item.external_id}`;
    latest.delete(key);
    latest.set(key, item);
  }
  const duplicates = valid.length - latest.size;
  if (latest.size === 0) return { created: 0, updated: 0, duplicates };
  const rows = JSON.stringify([...latest.values()].map(rowOf));
  // xmax is 0 on a row this statement inserted, and the updating transaction's id on one it updated.
  const { rows: stored } = await db.execute<{ inserted: boolean }>(sql`
    INSERT INTO ${posts} (tenant_id, brand_id, ${COLUMN_LIST})
    SELECT ${tenantId}::uuid, ${brandId}::uuid, ${COLUMN_LIST}
    FROM jsonb_to_recordset(${rows}::jsonb) AS item(${RECORD_TYPE})
    ON CONFLICT (brand_id, network, external_id) DO UPDATE SET ${UPDATE_ON_CONFLICT}
    RETURNING (xmax = 0) AS inserted`);
  // Only comments of this batch, and comments waiting for a post of this batch: batches running at once
  // then touch rows of their own and never wait on each other's locks.
  const externalIds = JSON.stringify([...new Set([...latest.values()].map((item) => item.external_id))]);
  await db.execute(sql`
    UPDATE ${posts} AS child SET parent_id = parent.id
    FROM ${posts} AS parent
    WHERE child.brand_id = ${brandId} AND child.parent_id IS NULL AND child.parent_external_id IS NOT NULL
      AND parent.brand_id = child.brand_id AND parent.network = child.network
      AND parent.external_id = child.parent_external_id
      AND (child.external_id IN (SELECT jsonb_array_elements_text(${externalIds}::jsonb))
        OR parent.external_id IN (SELECT jsonb_array_elements_text(${externalIds}::jsonb)))`);
  const created = stored.filter((row) => row.inserted).length;
  return { created, updated: stored.length - created, duplicates };
}

export type PostFilters = {
  network?: (typeof NETWORKS)[number] | undefined;
  kind?: (typeof POST_KINDS)[number] | undefined;
  author?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  q?: string | undefined;
};

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (char) => `\\${char}`);

/** A page of a brand's posts matching the filters, in id order (ingest order). */
export function listPosts(
  db: Database,
  tenantId: string,
  brandId: string,
  page: Page & PostFilters,
): Promise<Post[]> {
  const filters: (SQL | undefined)[] = [
    eq(posts.brandId, brandId),
    page.network ? eq(posts.network, page.network) : undefined,
    page.kind ? eq(posts.kind, page.kind) : undefined,
    page.author ? sql`lower(${posts.authorHandle}) = lower(${page.author})` : undefined,
    page.from ? gte(posts.publishedAt, new Date(page.from)) : undefined,
    page.to ? lt(posts.publishedAt, new Date(page.to)) : undefined,
    page.q ? ilike(posts.text, `%${escapeLike(page.q)}%`) : undefined,
  ];
  return tenantPage(db.select().from(posts).$dynamic(), posts, tenantId, page, ...filters);
}

export async function brandExists(db: Database, tenantId: string, brandId: string): Promise<boolean> {
  const [brand] = await db
    .select({ id: brands.id })
    .from(brands)
    .where(tenantRow(brands, tenantId, brandId))
    .limit(1);
  return brand !== undefined;
}
