import { and, eq } from "drizzle-orm";
import type { DatabaseSession } from "../db/client.ts";
import {
  appendRows,
  findBatch,
  type IncomingRow,
  lockBatch,
  transition,
  unknownColumnIssue,
} from "./batches.ts";
import { CsvParser, type CsvRecord, detectDelimiter, sniffEncoding, textDecoderFor } from "./csv.ts";
import { headerMatcher, readFieldSettings } from "./field-settings.ts";
import { importErrors, type SourceIssue } from "./tables.ts";

/** The largest CSV file an import takes: about a million catalogue rows. */
export const MAX_FILE_BYTES = 256 * 1024 * 1024;

/** Rows of a file written per transaction while it is read. */
export const PARSE_CHUNK_ROWS = 2000;

/** Bytes read before the encoding is decided (and the header line found). */
const SNIFF_BYTES = 64 * 1024;

/** Where a batch's file is kept in the Worker's bucket: under the domain and the tenant. */
export const fileKeyOf = (tenantId: string, batchId: string) => `imports/${tenantId}/${batchId}.csv`;

/** The route that takes a file's body, exempt from the API's 1 MiB body limit: it checks its own. */
export const isFileUpload = (method: string, path: string) =>
  method === "PUT" && /^\/api\/v1\/imports\/batches\/[^/]+\/file$/.test(path);

/** The file's bytes as a stream of chunks, gathering at least the first `SNIFF_BYTES` into one. */
async function* chunksOf(body: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = body.getReader();
  const head: Uint8Array[] = [];
  let headBytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (value && headBytes < SNIFF_BYTES) {
      head.push(value);
      headBytes += value.length;
      if (headBytes < SNIFF_BYTES) continue;
    }
    if (head.length > 0) {
      const joined = new Uint8Array(headBytes);
      let offset = 0;
      for (const part of head.splice(0)) {
        joined.set(part, offset);
        offset += part.length;
      }
      yield joined;
    } else if (value) yield value;
    if (done) return;
  }
}

type Columns = { fields: (string | undefined)[]; warnings: SourceIssue[] };

function columnsOf(header: CsvRecord, fieldOf: (header: string) => string | undefined): Columns {
  const fields = header.fields.map((name) => fieldOf(name));
  const warnings = header.fields
    .filter((name, index) => fields[index] === undefined && name.trim() !== "")
    .map(unknownColumnIssue);
  return { fields, warnings };
}

function rowOf(record: CsvRecord, columns: Columns): IncomingRow {
  // Every column of the header is a cell, empty when the row ends early: what a file leaves out is a
  // column it does not have.
  const cells: Record<string, string> = {};
  columns.fields.forEach((field, index) => {
    if (field) cells[field] = record.fields[index] ?? "";
  });
  const sourceIssues: SourceIssue[] = [];
  if (record.unterminated)
    sourceIssues.push({
      column: "",
      value: "",
      code: "unterminated_quote",
      message: "a quoted field is not closed before the end of the file",
      severity: "error",
    });
  if (record.fields.length > columns.fields.length)
    sourceIssues.push({
      column: "",
      value: record.fields.slice(columns.fields.length).join(","),
      code: "extra_fields",
      message: `the row has ${record.fields.length} fields, the header ${columns.fields.length}; the extra ones are ignored`,
      severity: "warning",
    });
  return { row: record.line, cells, sourceIssues };
}

class BatchStopped extends Error {}

/**
 * Reads a batch's CSV file from the bucket as a stream, a chunk at a time: the encoding is sniffed from
 * its first 64 KiB (UTF-8 with or without BOM, else Windows-1252), the delimiter from its header line, and
 * rows are written 2,000 per transaction, numbered by the line they start on. Only one chunk of text
 * and one chunk of rows are held at once, whatever the file's size. Then the batch is validating; the
 * answer is whether it is (also when an earlier run read the file and stopped during validation). A
 * retried job reads the file again from the start; rows and header warnings already written are kept,
 * not added twice.
 */
export async function readFile(
  session: DatabaseSession,
  bucket: R2Bucket,
  tenantId: string,
  batchId: string,
): Promise<boolean> {
  const batch = await session.tenant(tenantId, (db) => findBatch(db, tenantId, batchId), { readOnly: true });
  // An earlier run of the job read the file and stopped while validating: its validation goes on.
  if (batch?.state === "validating") return true;
  if (batch?.state !== "ingesting" || !batch.fileKey) return false;
  const object = await bucket.get(batch.fileKey);
  if (!object) {
    await session.tenant(tenantId, (db) =>
      transition(db, tenantId, batchId, ["ingesting"], "failed", {
        failureReason: "The uploaded file is missing.",
      }),
    );
    return false;
  }
  const settings = await session.tenant(tenantId, (db) => readFieldSettings(db, tenantId, batch.entity), {
    readOnly: true,
  });
  const fieldOf = headerMatcher(settings);
  let decode: ((bytes: Uint8Array, last?: boolean) => string) | undefined;
  let parser: CsvParser | undefined;
  let columns: Columns | undefined;
  let pending: IncomingRow[] = [];

  const flush = () => {
    const rows = pending;
    pending = [];
    return session.tenant(tenantId, async (db) => {
      const locked = await lockBatch(db, tenantId, batchId);
      if (locked?.state !== "ingesting") throw new BatchStopped();
      await appendRows(db, locked, rows);
    });
  };
  const take = async (records: CsvRecord[], header: (record: CsvRecord) => Promise<void>) => {
    for (const record of records) {
      if (!columns) await header(record);
      else pending.push(rowOf(record, columns));
      if (pending.length >= PARSE_CHUNK_ROWS) await flush();
    }
  };
  const header = async (record: CsvRecord) => {
    columns = columnsOf(record, fieldOf);
    const warnings = columns.warnings.map((issue) => ({ ...issue, row: record.line, tenantId, batchId }));
    // A retried read meets the header again: its warnings replace the first run's, never add to them.
    if (warnings.length > 0)
      await session.tenant(tenantId, async (db) => {
        await db
          .delete(importErrors)
          .where(and(eq(importErrors.batchId, batchId), eq(importErrors.row, record.line)));
        await db.insert(importErrors).values(warnings);
      });
  };

  try {
    for await (const chunk of chunksOf(object.body)) {
      if (!decode) decode = textDecoderFor(batch.encoding === "auto" ? sniffEncoding(chunk) : batch.encoding);
      const text = decode(chunk);
      parser ??= new CsvParser(detectDelimiter(text));
      await take(parser.push(text), header);
    }
    if (decode && parser)
      await take([...parser.push(decode(new Uint8Array(), true)), ...parser.end()], header);
    if (pending.length > 0) await flush();
  } catch (error) {
    if (error instanceof BatchStopped) return false;
    throw error;
  }
  const started = await session.tenant(tenantId, (db) =>
    transition(db, tenantId, batchId, ["ingesting"], "validating", { validatedThrough: 0 }),
  );
  return started.outcome === "done";
}
