import { z } from "@hono/zod-openapi";
import { and, asc, eq, gt, type SQL } from "drizzle-orm";
import type { PgColumn, PgSelect, PgTable } from "drizzle-orm/pg-core";
import type { Database } from "../db/client.ts";
import type { TenantColumns } from "../db/tenant-rows.ts";
import { base64url, fromBase64url } from "../lib/crypto.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Cursors are the last id seen (ids are UUID v7, so they sort by creation), encoded to stay opaque. */
export const encodeCursor = (id: string) => base64url(new TextEncoder().encode(id));

function decodeCursor(cursor: string): string | null {
  try {
    const id = new TextDecoder().decode(fromBase64url(cursor));
    return UUID.test(id) ? id : null;
  } catch {
    return null;
  }
}

/**
 * An opaque `?cursor=` read back by `decode`; one it cannot read (null) was not one this API returned,
 * and is a 400. `description` tells the client how to pass it back.
 */
export const cursorParam = <T>(decode: (cursor: string) => T | null, description: string) =>
  z
    .string()
    .optional()
    .transform((cursor, ctx) => {
      if (cursor === undefined) return undefined;
      const decoded = decode(cursor);
      if (decoded === null) {
        ctx.addIssue({ code: "custom", message: "cursor is not one this API returned" });
        return z.NEVER;
      }
      return decoded;
    })
    .openapi({ type: "string", minLength: 1, description });

export const ListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20).openapi({ description: "Page size, 1 to 100." }),
  cursor: cursorParam(
    decodeCursor,
    "`next_cursor` of the previous page, passed back unchanged: it is opaque, and an empty or altered cursor is refused with 400.",
  ),
});

export type Page = { limit: number; cursor?: string | undefined };

/** A page is fetched with one row more than it shows, so `toPage` knows whether another page follows. */
export const rowsToFetch = (page: Page) => page.limit + 1;

/**
 * Every list pages the same way: the rows matching `filters` whose id comes after the cursor, in id order.
 * `query` is a dynamic select (`db.select().from(table).$dynamic()`); give the result to `toPage`.
 */
export const keysetPage = <Q extends PgSelect>(
  query: Q,
  id: PgColumn,
  page: Page,
  ...filters: (SQL | undefined)[]
) =>
  query
    .where(and(...filters, page.cursor ? gt(id, page.cursor) : undefined))
    .orderBy(asc(id))
    .limit(rowsToFetch(page));

/** A page of the tenant's rows matching `filters`; `query` is a dynamic select of `table`. */
export const tenantPage = <Q extends PgSelect>(
  query: Q,
  table: TenantColumns,
  tenantId: string,
  page: Page,
  ...filters: (SQL | undefined)[]
) => keysetPage(query, table.id, page, eq(table.tenantId, tenantId), ...filters);

/** A page of the tenant's rows of `table` matching `filters`, whole rows. */
export const listTenantRows = <T extends PgTable & TenantColumns>(
  db: Database,
  table: T,
  tenantId: string,
  page: Page,
  ...filters: (SQL | undefined)[]
): Promise<T["$inferSelect"][]> =>
  // Typed back from PgTable for the reason given in db/tenant-rows.ts.
  tenantPage(
    db
      .select()
      .from(table as PgTable)
      .$dynamic(),
    table,
    tenantId,
    page,
    ...filters,
  ) as Promise<T["$inferSelect"][]>;

export function pageSchema<T extends z.ZodType>(item: T, name: string) {
  return z.object({ data: z.array(item), next_cursor: z.string().nullable() }).openapi(name);
}

/** Fetch `limit + 1` rows; this turns them into a page and the cursor for the next. */
export function toPage<Row extends { id: string }, Out>(rows: Row[], page: Page, render: (row: Row) => Out) {
  const more = rows.length > page.limit;
  const shown = more ? rows.slice(0, page.limit) : rows;
  const last = shown[shown.length - 1];
  return { data: shown.map(render), next_cursor: more && last ? encodeCursor(last.id) : null };
}
