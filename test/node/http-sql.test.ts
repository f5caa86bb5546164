import { type NeonQueryFunction, neon, neonConfig, Pool } from "@neondatabase/serverless";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { type EmbeddedPostgres, startEmbeddedPostgres } from "../../scripts/lib/embedded-postgres.ts";
import { beginStatement, loopbackConnectionString } from "../../scripts/lib/http-sql.ts";
import { type Relay, startRelay } from "../../scripts/lib/ws-relay.ts";

/**
 * The local HTTP SQL endpoint stands in for Neon's proxy, so it must answer as the database does over the
 * wire protocol: every query here runs through the driver's Pool (WebSocket relay) and through `neon()`
 * (HTTP endpoint), against the same database, and the parsed results and the errors must be identical.
 */
let embedded: EmbeddedPostgres | undefined;
let relay: Relay;
let pool: Pool;
let http: NeonQueryFunction<false, true>;
// Names of this run's objects: a PostgreSQL server in CI is shared with the other test files.
const suffix = crypto.randomUUID().replace(/-/g, "").slice(0, 8);
const table = `fidelity_${suffix}`;
const role = `fidelity_role_${suffix}`;

beforeAll(async () => {
  embedded = process.env.TEST_DATABASE_URL ? undefined : await startEmbeddedPostgres();
  const databaseUrl = process.env.TEST_DATABASE_URL ?? (embedded as EmbeddedPostgres).url;
  relay = await startRelay();
  neonConfig.webSocketConstructor = WebSocket;
  neonConfig.wsProxy = (host, port) => `${relay.address}/v2?address=${host}:${port}`;
  neonConfig.useSecureWebSocket = false;
  neonConfig.pipelineTLS = false;
  neonConfig.pipelineConnect = false;
  neonConfig.fetchEndpoint = `http://${relay.address}/sql`;
  pool = new Pool({ connectionString: databaseUrl, max: 1 });
  http = neon(databaseUrl, { fullResults: true });
  await pool.query(`create table ${table} (id int primary key, owner text not null)`);
  await pool.query(`alter table ${table} enable row level security`);
  await pool.query(`create role ${role}`);
  await pool.query(`grant select, insert on ${table} to ${role}`);
  await pool.query(`grant ${role} to current_user`);
  await pool.query(
    `create policy own_rows on ${table} using (owner = current_setting('app.owner', true)) with check (owner = current_setting('app.owner', true))`,
  );
  await pool.query(`insert into ${table} values (1, 'a')`);
});

afterAll(async () => {
  await pool.query(`drop table ${table}`);
  await pool.query(`drop role ${role}`);
  await pool.end();
  await relay.close();
  await embedded?.stop();
});

/** What a query returns through each path: rows as the driver parsed them, and the columns' types. */
async function bothPaths(text: string, params: unknown[] = []) {
  const overWebSocket = await pool.query(text, params);
  const overHttp = await http.query(text, params);
  const shape = (result: { rows: unknown[]; fields: { name: string; dataTypeID: number }[] }) => ({
    rows: result.rows,
    fields: result.fields.map(({ name, dataTypeID }) => ({ name, dataTypeID })),
  });
  return { overWebSocket: shape(overWebSocket), overHttp: shape(overHttp) };
}

/** The error each path raises, as the fields a caller acts on. */
async function bothErrors(overWebSocket: () => Promise<unknown>, overHttp: () => Promise<unknown>) {
  const fields = (error: unknown) => {
    const { code, message, constraint, table: tableName } = error as Record<string, unknown>;
    return { code, message, constraint, table: tableName };
  };
  const wsError = await overWebSocket().then(
    () => null,
    (error: unknown) => fields(error),
  );
  const httpError = await overHttp().then(
    () => null,
    (error: unknown) => fields(error),
  );
  return { wsError, httpError };
}

describe("the local HTTP SQL endpoint answers as the database does over the wire protocol", () => {
  it.each([
    ["text", "select $1::text as v, ''::text as empty, 'ñandú 🦜'::text as unicode", ["plain"]],
    ["integers", "select 42::int2 as small, $1::int4 as regular, 9007199254740993::int8 as big", [-7]],
    ["numeric", "select 12345678901234567890.0123456789::numeric as n, $1::numeric as p", ["0.10"]],
    ["booleans", "select true as t, false as f, $1::bool as p", [true]],
    [
      "timestamptz",
      "select '2026-03-01 12:34:56.789+02'::timestamptz as t, $1::timestamptz as p",
      [new Date("2026-11-17T08:00:00.123Z")],
    ],
    ["dates", "select '2026-02-28'::date as d, $1::date as p", ["1999-12-31"]],
    ["jsonb", `select '{"a":[1,2,{"b":null}]}'::jsonb as j, $1::jsonb as p`, [JSON.stringify({ x: "y" })]],
    ["arrays", "select array['a','b,c',null]::text[] as texts, $1::int[] as ints", [[1, 2, 3]]],
    [
      "uuid",
      "select '0190f5a2-7c3b-7d4e-8f00-123456789abc'::uuid as u, $1::uuid as p",
      [crypto.randomUUID()],
    ],
    ["bytea", "select '\\xdeadbeef'::bytea as b, $1::bytea as p", [Buffer.from([0, 1, 254, 255])]],
    ["NULL", "select null::text as t, null::int as i, $1::jsonb as p", [null]],
    ["rows of a table", `select id, owner from ${table} order by id`, []],
  ])("%s", async (_kind, text, params) => {
    const { overWebSocket, overHttp } = await bothPaths(text, params);
    expect(overHttp).toEqual(overWebSocket);
    expect(overHttp.rows.length).toBeGreaterThan(0);
  });

  it("raises the same unique violation", async () => {
    const insert = `insert into ${table} values (1, 'a')`;
    const { wsError, httpError } = await bothErrors(
      () => pool.query(insert),
      () => http.query(insert),
    );
    expect(wsError?.code).toBe("23505");
    expect(httpError).toEqual(wsError);
  });

  it("raises the same row-level security violation inside a transaction", async () => {
    const scoped = [`set local role ${role}`, "select set_config('app.owner', 'a', true)"];
    const smuggle = `insert into ${table} values (2, 'b')`;
    const { wsError, httpError } = await bothErrors(
      async () => {
        const client = await pool.connect();
        try {
          await client.query("begin");
          for (const statement of scoped) await client.query(statement);
          await client.query(smuggle);
        } finally {
          await client.query("rollback");
          client.release();
        }
      },
      () => http.transaction([...scoped, smuggle].map((statement) => http.query(statement))),
    );
    expect(wsError?.code).toBe("42501");
    expect(httpError).toEqual(wsError);
  });

  it("shows a scoped transaction only its rows, and a read-only one refuses writes", async () => {
    const [, , rows] = await http.transaction(
      [`set local role ${role}`, "select set_config('app.owner', 'b', true)", `select * from ${table}`].map(
        (statement) => http.query(statement),
      ),
    );
    expect(rows?.rows).toEqual([]);
    const { httpError } = await bothErrors(
      () => Promise.resolve(),
      () => http.transaction([http.query(`insert into ${table} values (3, 'a')`)], { readOnly: true }),
    );
    expect(httpError?.code).toBe("25006");
  });

  it("raises the same syntax error", async () => {
    const { wsError, httpError } = await bothErrors(
      () => pool.query("selec 1"),
      () => http.query("selec 1"),
    );
    expect(wsError?.code).toBe("42601");
    expect(httpError).toEqual(wsError);
  });

  it("counts each HTTP request as one round trip, a batch included", async () => {
    const before = relay.counters.sqlRequests;
    await http.transaction([http.query("select 1"), http.query("select 2"), http.query("select 3")]);
    expect(relay.counters.sqlRequests - before).toBe(1);
  });
});

describe("the endpoint's request handling", () => {
  it("serves only databases on this machine", () => {
    expect(loopbackConnectionString("postgresql://u:p@127.0.0.1:5432/db")).toBe(
      "postgresql://u:p@127.0.0.1:5432/db",
    );
    expect(loopbackConnectionString("postgresql://u:p@db.example.com/db")).toBeNull();
    expect(loopbackConnectionString("https://127.0.0.1/db")).toBeNull();
    expect(loopbackConnectionString(undefined)).toBeNull();
  });

  it("opens a batch's transaction with the options the driver's headers ask for", () => {
    expect(beginStatement({})).toBe("BEGIN");
    expect(
      beginStatement({
        "neon-batch-isolation-level": "Serializable",
        "neon-batch-read-only": "true",
        "neon-batch-deferrable": "true",
      }),
    ).toBe("BEGIN ISOLATION LEVEL SERIALIZABLE READ ONLY DEFERRABLE");
  });
});
