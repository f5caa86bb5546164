// Neon's HTTP SQL endpoint, served locally: what `neon()` and drizzle-orm/neon-http send to Neon's proxy
// (POST /sql with the connection string in `Neon-Connection-String`) is run over the wire protocol against
// PGlite or a PostgreSQL server with `pg`, and answered in the proxy's format. Only loopback databases are
// served, like the relay. The request and response shapes are the driver's own (node_modules/
// @neondatabase/serverless): `{query, params}` or `{queries: [...]}` in, `{fields, rows, command, rowCount,
// rowAsArray}` (or `{results: [...]}`) out, rows as arrays of Postgres text, errors as 400 with the SQLSTATE.
import type { IncomingMessage, ServerResponse } from "node:http";
import pg from "pg";

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);
const ISOLATION_LEVELS: Record<string, string> = {
  ReadUncommitted: "READ UNCOMMITTED",
  ReadCommitted: "READ COMMITTED",
  RepeatableRead: "REPEATABLE READ",
  Serializable: "SERIALIZABLE",
};
/** The fields of a Postgres error the driver copies onto its NeonDbError. */
const ERROR_FIELDS = [
  "severity",
  "code",
  "detail",
  "hint",
  "position",
  "internalPosition",
  "internalQuery",
  "where",
  "schema",
  "table",
  "column",
  "dataType",
  "constraint",
  "file",
  "line",
  "routine",
] as const;

/** Every value stays the text Postgres sent: the driver parses it by the field's type, as with Neon. */
const RAW_TEXT: pg.CustomTypesConfig = { getTypeParser: () => (value: string) => value };

type SqlQuery = { query: string; params: unknown[] };
type SqlRequest = SqlQuery | { queries: SqlQuery[] };

/** Requests answered, each one awaited round trip of the caller's. */
export type SqlEndpointCounters = { requests: number };

class BadRequest extends Error {}

function parseQuery(value: unknown): SqlQuery {
  if (typeof value !== "object" || value === null) throw new BadRequest("a query must be an object");
  const { query, params } = value as Record<string, unknown>;
  if (typeof query !== "string") throw new BadRequest("query must be a string");
  if (params !== undefined && !Array.isArray(params)) throw new BadRequest("params must be an array");
  return { query, params: params ?? [] };
}

function parseRequest(body: string): SqlRequest {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new BadRequest("the body must be JSON");
  }
  if (typeof value === "object" && value !== null && "queries" in value) {
    const { queries } = value as { queries: unknown };
    if (!Array.isArray(queries)) throw new BadRequest("queries must be an array");
    return { queries: queries.map(parseQuery) };
  }
  return parseQuery(value);
}

/** The database named by `Neon-Connection-String`, if it is on this machine. */
export function loopbackConnectionString(header: string | undefined): string | null {
  if (!header || !URL.canParse(header)) return null;
  const url = new URL(header);
  if (!/^postgres(ql)?:$/.test(url.protocol) || !LOOPBACK.has(url.hostname)) return null;
  return header;
}

/** `BEGIN` with the batch's options, from the headers the driver sets on `transaction()`. */
export function beginStatement(headers: IncomingMessage["headers"]): string {
  const parts = ["BEGIN"];
  const isolation = headers["neon-batch-isolation-level"];
  if (typeof isolation === "string") {
    const level = ISOLATION_LEVELS[isolation];
    if (!level) throw new BadRequest(`unknown isolation level ${isolation}`);
    parts.push("ISOLATION LEVEL", level);
  }
  if (headers["neon-batch-read-only"] === "true") parts.push("READ ONLY");
  if (headers["neon-batch-deferrable"] === "true") parts.push("DEFERRABLE");
  return parts.join(" ");
}

async function run(client: pg.PoolClient, { query, params }: SqlQuery) {
  // Extended protocol for every query, as Neon's proxy does: one statement per query, never a script
  // (pg supports `queryMode`; its type definitions do not list it yet).
  const config: pg.QueryArrayConfig & { queryMode: "extended" } = {
    text: query,
    values: params,
    rowMode: "array",
    types: RAW_TEXT,
    queryMode: "extended",
  };
  const result = await client.query(config);
  return {
    command: result.command,
    rowCount: result.rowCount,
    rows: result.rows,
    fields: result.fields,
    rowAsArray: true,
  };
}

function errorBody(error: unknown): Record<string, unknown> | null {
  if (!(error instanceof pg.DatabaseError)) return null;
  const body: Record<string, unknown> = { message: error.message };
  for (const field of ERROR_FIELDS) if (error[field] !== undefined) body[field] = error[field];
  return body;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

function reply(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(body));
}

export type SqlEndpoint = {
  handle: (request: IncomingMessage, response: ServerResponse) => void;
  counters: SqlEndpointCounters;
  close: () => Promise<void>;
};

/**
 * The endpoint's request handler. `rtt.ms` is added to every request before it is answered, so a caller
 * on this machine waits as it would for a database that far away; it is read per request, so a bench can
 * change it between runs.
 */
export function sqlEndpoint(options: { rtt?: { ms: number } } = {}): SqlEndpoint {
  const pools = new Map<string, pg.Pool>();
  const counters: SqlEndpointCounters = { requests: 0 };
  const poolFor = (connectionString: string) => {
    let pool = pools.get(connectionString);
    if (!pool) {
      // A few connections kept warm, as the proxy keeps its own pool; PGlite's server accepts 100 in all.
      pool = new pg.Pool({ connectionString, max: 8, idleTimeoutMillis: 5_000 });
      pool.on("error", () => undefined); // an idle connection closed by the server is simply replaced
      // A connection lost while checked out fails its query; unheard, its "error" event would end the process.
      pool.on("connect", (client) => client.on("error", () => undefined));
      pools.set(connectionString, pool);
    }
    return pool;
  };

  async function answer(request: IncomingMessage): Promise<{ status: number; body: unknown }> {
    const connectionString = loopbackConnectionString(request.headers["neon-connection-string"] as string);
    if (!connectionString)
      return { status: 400, body: { message: "Neon-Connection-String must name a loopback database" } };
    const sqlRequest = parseRequest(await readBody(request));
    const delay = options.rtt?.ms ?? 0;
    if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
    const client = await poolFor(connectionString).connect();
    let inTransaction = false;
    try {
      if (!("queries" in sqlRequest)) return { status: 200, body: await run(client, sqlRequest) };
      await client.query(beginStatement(request.headers));
      inTransaction = true;
      const results = [];
      for (const query of sqlRequest.queries) results.push(await run(client, query));
      await client.query("COMMIT");
      inTransaction = false;
      return { status: 200, body: { results } };
    } finally {
      if (inTransaction) await client.query("ROLLBACK").catch(() => undefined);
      client.release();
    }
  }

  return {
    counters,
    handle: (request, response) => {
      if (request.method !== "POST" || new URL(request.url ?? "/", "http://local").pathname !== "/sql") {
        reply(response, 404, { message: "POST /sql only" });
        return;
      }
      counters.requests++;
      answer(request).then(
        ({ status, body }) => reply(response, status, body),
        (error: unknown) => {
          const database = errorBody(error);
          if (database) reply(response, 400, database);
          else if (error instanceof BadRequest) reply(response, 400, { message: error.message });
          else reply(response, 500, { message: error instanceof Error ? error.message : String(error) });
        },
      );
    },
    close: async () => {
      await Promise.all([...pools.values()].map((pool) => pool.end()));
      pools.clear();
    },
  };
}
