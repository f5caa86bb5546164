import { neon, neonConfig, Pool, type PoolClient } from "@neondatabase/serverless";
import { sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { drizzle as drizzleOverHttp, type NeonHttpDatabase } from "drizzle-orm/neon-http";
import { drizzle, type NeonDatabase } from "drizzle-orm/neon-serverless";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type { Config } from "../config/config.ts";
import { errorFields, Logger } from "../lib/log.ts";
import { databaseSpan } from "../observability/tracing.ts";
import { deadlineGuard, isDatabaseUnavailable, TransactionOverdue } from "./failures.ts";

/** The WebSocket Pool's handle: interactive transactions, one connection per session. */
export type Database = NeonDatabase;

/** The HTTP handle: each query, or batch of queries, is one round trip, with no connection to open. */
export type HttpDatabase = NeonHttpDatabase;

/** What both handles share: enough to build a query that either one can run (or batch, over HTTP). */
export type QueryBuilder = PgDatabase<PgQueryResultHKT>;

/** SQLSTATE of a statement sent in a transaction that an earlier failed statement has aborted. */
const IN_FAILED_TRANSACTION = "25P02";

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * On this machine (PGlite or a local PostgreSQL server) there is no Neon proxy, so the driver talks plain
 * WebSocket to the local relay, which opens the TCP connection, and sends HTTP queries to the relay's own
 * SQL endpoint (scripts/lib/http-sql.ts). Against Neon, the defaults stand.
 */
function useLocalRelayFor(databaseUrl: string, relay: string): void {
  if (!LOOPBACK_HOSTS.has(new URL(databaseUrl).hostname)) return;
  neonConfig.wsProxy = (host, port) => `${relay}/v2?address=${host}:${port}`;
  neonConfig.useSecureWebSocket = false;
  neonConfig.pipelineTLS = false;
  neonConfig.pipelineConnect = false;
  neonConfig.fetchEndpoint = `http://${relay}/sql`;
}

/** The SQL text of what a connection's `query` was called with (a string, or a query config object). */
function statementText(query: unknown): string {
  if (typeof query === "string") return query;
  const text = (query as { text?: unknown } | null)?.text;
  return typeof text === "string" ? text : "";
}

/** The SQL text of a batch's query (its builders have `toSQL`; a raw `sql` has none, and shows blank). */
function batchedStatement(query: object): string {
  const toSQL = (query as { toSQL?: () => { sql: string } }).toSQL;
  return typeof toSQL === "function" ? toSQL.call(query).sql : "";
}

function assertTenantId(tenantId: string): void {
  if (!UUID.test(tenantId)) throw new Error("tenant id must be a UUID");
}

type DatabaseConfig = Pick<Config, "databaseUrl" | "localDbRelay" | "databaseTimeoutMs">;

/**
 * The statements that put a transaction in a tenant's scope, so row-level security shows it only that
 * tenant's rows: the application role, then app.tenant_id. (`tenant()` inlines the same two into its BEGIN.)
 */
export const tenantScope = (tenantId: string) =>
  [sql`SET LOCAL ROLE borde_app`, sql`SELECT set_config('app.tenant_id', ${tenantId}, true)`] as const;

/**
 * A database handle for one request or one batch. Workers cannot share a socket between requests,
 * so each unit of work opens its own pool (one connection), lazily on first use, and closes it when done.
 *
 * `db` runs as the owner of the tables, for system work (login, key lookup, registration, jobs).
 * `tenant()` runs tenant-scoped work under row-level security in an interactive transaction on the Pool;
 * `tenantQuery()` runs one tenant-scoped query in one HTTP round trip, under the same security.
 */
export class DatabaseSession {
  #pool: Pool | undefined;
  #db: Database | undefined;
  #pending: Promise<unknown>[] = [];
  #roundTrips = 0;

  constructor(
    private readonly config: DatabaseConfig,
    private readonly log: Logger = new Logger(),
  ) {}

  #openPool(): Pool {
    if (!this.#pool) {
      useLocalRelayFor(this.config.databaseUrl, this.config.localDbRelay);
      // Each connection and each query has the deadline, so a hung database cannot hang the request.
      const pool = new Pool({
        connectionString: this.config.databaseUrl,
        max: 1,
        connectionTimeoutMillis: this.config.databaseTimeoutMs,
        query_timeout: this.config.databaseTimeoutMs,
      });
      // A connection that drops while idle is reported here; unhandled, it would crash the isolate. A pool
      // this session has ended reports its own closing too, which is no loss: only a current one warns.
      pool.on("error", (error: Error) => {
        if (this.#pool === pool) this.log.warn("database connection lost", errorFields(error));
      });
      pool.on("connect", (client: PoolClient) => this.#countQueries(client));
      this.#pool = pool;
    }
    return this.#pool;
  }

  /** Each statement sent on a connection (a query, or a multi-statement string) is one round trip. */
  #countQueries(client: PoolClient): void {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: typeof query }).query = (...args) => {
      this.#roundTrips++;
      return databaseSpan(
        () => statementText(args[0]),
        () => query(...args),
      );
    };
  }

  /** Round trips to the database so far: statements on the Pool's connection and HTTP batches. */
  get roundTrips(): number {
    return this.#roundTrips;
  }

  get db(): Database {
    this.#db ??= drizzle({ client: this.#openPool() });
    return this.#db;
  }

  /**
   * An HTTP handle whose round trips give up at `signal` (the deadline). A read-only handle makes its
   * batches READ ONLY transactions, as `tenant()` does for reads.
   */
  #httpDatabase(readOnly: boolean, signal: AbortSignal): HttpDatabase {
    useLocalRelayFor(this.config.databaseUrl, this.config.localDbRelay);
    return drizzleOverHttp({ client: neon(this.config.databaseUrl, { readOnly, fetchOptions: { signal } }) });
  }

  get opened(): boolean {
    return this.#pool !== undefined;
  }

  /**
   * Runs `work` in a transaction as the role borde_app with app.tenant_id set, so the row-level security
   * policies hide every other tenant's rows. One round trip opens the scope. A read-only scope does not
   * wait for its COMMIT: nothing was written, and the connection runs it before anything queued after.
   */
  async tenant<T>(
    tenantId: string,
    work: (db: Database) => Promise<T>,
    options: { readOnly?: boolean } = {},
  ): Promise<T> {
    assertTenantId(tenantId);
    try {
      return await this.#inTransaction(tenantId, work, options.readOnly ?? false);
    } catch (error) {
      // A read changes nothing, so one that lost its connection is tried once more on a new one.
      if (!options.readOnly || !isDatabaseUnavailable(error)) throw error;
      this.log.warn("database read retried on a new connection", errorFields(error));
      await this.#discardPool();
      return this.#inTransaction(tenantId, work, true);
    }
  }

  /**
   * One transaction as borde_app with the tenant scope, bounded by the deadline: past it the connection is
   * dropped (nothing more is sent, so the server rolls back), and a write's COMMIT is preceded by a guard
   * that aborts it if the server only gets to it after the deadline.
   */
  async #inTransaction<T>(
    tenantId: string,
    work: (db: Database) => Promise<T>,
    readOnly: boolean,
  ): Promise<T> {
    const deadline = new Date(Date.now() + this.config.databaseTimeoutMs);
    const client: PoolClient = await this.#openPool().connect();
    // A connection lost while checked out is reported on the client, not the pool; unheard, it would crash
    // the isolate instead of failing the query.
    const onLost = (error: Error) => this.log.warn("database connection lost", errorFields(error));
    client.on("error", onLost);
    let timer: ReturnType<typeof setTimeout> | undefined;
    let healthy = true;
    try {
      const overdue = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new TransactionOverdue("the transaction did not finish within its deadline")),
          this.config.databaseTimeoutMs,
        );
      });
      const transaction = async () => {
        // The id is inlined into the statement (set_config takes no parameters in a multi-statement query).
        await client.query(
          `BEGIN${readOnly ? " READ ONLY" : ""}; SET LOCAL ROLE borde_app; SELECT set_config('app.tenant_id', '${tenantId}', true)`,
        );
        const result = await work(drizzle({ client }));
        if (readOnly) {
          // Nothing was written: the COMMIT need not be waited for, and runs before anything queued after it.
          this.#pending.push(
            client
              .query("COMMIT")
              .catch((error: Error) =>
                this.log.warn("commit failed", { tenant_id: tenantId, ...errorFields(error) }),
              ),
          );
        } else {
          await client
            .query(`${deadlineGuard(deadline)}; COMMIT`)
            .catch(async (error: { code?: unknown }) => {
              if (error.code !== IN_FAILED_TRANSACTION) throw error;
              // The work caught a failed statement (a unique violation it reports as a conflict, say): the
              // transaction is already aborted, and COMMIT ends it as a rollback, as it always has.
              await client.query("COMMIT");
            });
        }
        return result;
      };
      return await Promise.race([transaction(), overdue]);
    } catch (error) {
      if (isDatabaseUnavailable(error)) healthy = false;
      else await client.query("ROLLBACK").catch(() => undefined);
      throw error;
    } finally {
      if (timer !== undefined) clearTimeout(timer);
      client.off("error", onLost);
      // A connection that failed or ran out of time is destroyed, never reused for the next statement.
      client.release(!healthy);
    }
  }

  /** Ends the current pool so the next use opens a new connection. */
  async #discardPool(): Promise<void> {
    const pool = this.#pool;
    this.#pool = undefined;
    this.#db = undefined;
    await pool?.end().catch(() => undefined);
  }

  /**
   * Runs the query `build` makes as the role borde_app with app.tenant_id set, in one non-interactive
   * transaction over HTTP: the role switch and the scope are its first statements, so row-level security
   * hides every other tenant's rows exactly as in `tenant()`, and the request waits for one round trip
   * with no connection to open. For reads and single writes; work that branches on what it read, or
   * must lock rows, needs `tenant()`.
   */
  async tenantQuery<T>(
    tenantId: string,
    build: (db: HttpDatabase) => BatchItem<"pg"> & { readonly _: { readonly result: T } },
    options: { readOnly?: boolean } = {},
  ): Promise<T> {
    assertTenantId(tenantId);
    const readOnly = options.readOnly ?? false;
    try {
      return await this.#oneRoundTrip(tenantId, build, readOnly);
    } catch (error) {
      // A read changes nothing, so one whose round trip failed is sent once more.
      if (!readOnly || !isDatabaseUnavailable(error)) throw error;
      this.log.warn("database read retried", errorFields(error));
      return this.#oneRoundTrip(tenantId, build, true);
    }
  }

  /** The batch of `tenantQuery`, aborted at the deadline; a write's batch ends with the deadline guard. */
  async #oneRoundTrip<T>(
    tenantId: string,
    build: (db: HttpDatabase) => BatchItem<"pg"> & { readonly _: { readonly result: T } },
    readOnly: boolean,
  ): Promise<T> {
    const deadline = new Date(Date.now() + this.config.databaseTimeoutMs);
    const db = this.#httpDatabase(readOnly, AbortSignal.timeout(this.config.databaseTimeoutMs));
    this.#roundTrips++;
    const [role, setting] = tenantScope(tenantId);
    const scope = [db.execute(role), db.execute(setting)] as const;
    const query = build(db);
    const [, , result] = await databaseSpan(
      () => batchedStatement(query),
      () =>
        readOnly
          ? db.batch([...scope, query])
          : db.batch([...scope, query, db.execute(sql.raw(deadlineGuard(deadline)))]),
    );
    return result;
  }

  /** Ends the pool if one was opened, after any commit still in flight; safe to call more than once. */
  async close(): Promise<void> {
    await Promise.all(this.#pending);
    const pool = this.#pool;
    this.#pool = undefined;
    this.#db = undefined;
    this.#pending = [];
    await pool?.end();
  }
}

/** Runs `work` with a database session and closes it after, for queue and cron handlers. */
export async function withDatabase<T>(
  config: DatabaseConfig,
  work: (session: DatabaseSession) => Promise<T>,
  log?: Logger,
): Promise<T> {
  const session = new DatabaseSession(config, log);
  try {
    return await work(session);
  } finally {
    await session.close();
  }
}
