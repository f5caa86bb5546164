import { neon, neonConfig, Pool, type PoolClient } from "@neondatabase/serverless";
import { sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { drizzle as drizzleOverHttp, type NeonHttpDatabase } from "drizzle-orm/neon-http";
import { drizzle, type NeonDatabase } from "drizzle-orm/neon-serverless";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type { Config } from "../config/config.ts";
import { errorFields, Logger } from "../lib/log.ts";

/** The WebSocket Pool's handle: interactive transactions, one connection per session. */
export type Database = NeonDatabase;

/** The HTTP handle: each query, or batch of queries, is one round trip, with no connection to open. */
export type HttpDatabase = NeonHttpDatabase;

/** What both handles share: enough to build a query that either one can run (or batch, over HTTP). */
export type QueryBuilder = PgDatabase<PgQueryResultHKT>;

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

function assertTenantId(tenantId: string): void {
  if (!UUID.test(tenantId)) throw new Error("tenant id must be a UUID");
}

type DatabaseConfig = Pick<Config, "databaseUrl" | "localDbRelay">;

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
  #http: { readOnly?: HttpDatabase; readWrite?: HttpDatabase } = {};
  #pending: Promise<unknown>[] = [];

  constructor(
    private readonly config: DatabaseConfig,
    private readonly log: Logger = new Logger(),
  ) {}

  #openPool(): Pool {
    if (!this.#pool) {
      useLocalRelayFor(this.config.databaseUrl, this.config.localDbRelay);
      const pool = new Pool({ connectionString: this.config.databaseUrl, max: 1 });
      // A connection that drops while idle is reported here; unhandled, it would crash the isolate. A pool
      // this session has ended reports its own closing too, which is no loss: only a current one warns.
      pool.on("error", (error: Error) => {
        if (this.#pool === pool) this.log.warn("database connection lost", errorFields(error));
      });
      this.#pool = pool;
    }
    return this.#pool;
  }

  get db(): Database {
    this.#db ??= drizzle({ client: this.#openPool() });
    return this.#db;
  }

  /** A read-only handle makes its batches READ ONLY transactions, as `tenant()` does for reads. */
  #httpDatabase(readOnly: boolean): HttpDatabase {
    const kind = readOnly ? "readOnly" : "readWrite";
    let db = this.#http[kind];
    if (!db) {
      useLocalRelayFor(this.config.databaseUrl, this.config.localDbRelay);
      db = drizzleOverHttp({ client: neon(this.config.databaseUrl, { readOnly }) });
      this.#http[kind] = db;
    }
    return db;
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
    // The id is inlined into the statement (set_config takes no parameters in a multi-statement query).
    assertTenantId(tenantId);
    const client: PoolClient = await this.#openPool().connect();
    try {
      await client.query(
        `BEGIN${options.readOnly ? " READ ONLY" : ""}; SET LOCAL ROLE borde_app; SELECT set_config('app.tenant_id', '${tenantId}', true)`,
      );
      const result = await work(drizzle({ client }));
      const commit = client.query("COMMIT");
      if (options.readOnly)
        this.#pending.push(
          commit.catch((error: Error) =>
            this.log.warn("commit failed", { tenant_id: tenantId, ...errorFields(error) }),
          ),
        );
      else await commit;
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
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
    const db = this.#httpDatabase(options.readOnly ?? false);
    const [, , result] = await db.batch([
      db.execute(sql`SET LOCAL ROLE borde_app`),
      db.execute(sql`SELECT set_config('app.tenant_id', ${tenantId}, true)`),
      build(db),
    ]);
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
