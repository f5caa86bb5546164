import type { SQL } from "drizzle-orm";
import type { Config } from "../config/config.ts";
import { DatabaseSession } from "../db/client.ts";
import type { Logger } from "../lib/log.ts";
import { listRecords } from "./catalog.ts";
import { ENTITY_FIELDS, type Entity } from "./entities.ts";
import { storeOf, valuesOf } from "./records.ts";
import { displayDecimal } from "./values.ts";

/** Rows read per page of an export: each page is one short read transaction. */
const EXPORT_PAGE_ROWS = 1000;

/** A CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180). */
const csvField = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

export const csvLine = (values: string[]) => `${values.map(csvField).join(",")}\r\n`;

/** Decimals are written as the API shows them (12.50, not the stored 12.5000). */
const DECIMAL_FIELDS = new Set(["unit_price", "tax_rate"]);

const cellText = (field: string, value: string | number | boolean | null | undefined) => {
  if (value === null || value === undefined) return "";
  if (DECIMAL_FIELDS.has(field) && typeof value === "string") return displayDecimal(value);
  return String(value);
};

/**
 * The tenant's records of an entity as a CSV stream, read a page at a time as the client reads: memory
 * holds one page whatever the catalog's size. The stream has its own database session, since the
 * request's is closed once the response starts.
 */
export function exportCsv(
  config: Config,
  log: Logger,
  tenantId: string,
  entity: Entity,
  filters: (SQL | undefined)[],
): ReadableStream<Uint8Array> {
  const store = storeOf(entity);
  const fields = ENTITY_FIELDS[entity].map((rule) => rule.name);
  const session = new DatabaseSession(config, log);
  const encoder = new TextEncoder();
  let cursor: string | undefined;
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        if (!started) {
          started = true;
          controller.enqueue(encoder.encode(csvLine(fields)));
        }
        const page = { limit: EXPORT_PAGE_ROWS, cursor };
        const rows = await session.tenant(
          tenantId,
          (db) => listRecords<Record<string, unknown> & { id: string }>(db, tenantId, entity, page, filters),
          { readOnly: true },
        );
        const shown = rows.slice(0, EXPORT_PAGE_ROWS);
        const text = shown.map((row) => {
          const values = valuesOf(store, row);
          return csvLine(fields.map((field) => cellText(field, values[field])));
        });
        if (text.length > 0) controller.enqueue(encoder.encode(text.join("")));
        cursor = shown[shown.length - 1]?.id;
        if (rows.length <= EXPORT_PAGE_ROWS) {
          controller.close();
          await session.close();
        }
      } catch (error) {
        controller.error(error);
        await session.close();
      }
    },
    async cancel() {
      await session.close();
    },
  });
}
