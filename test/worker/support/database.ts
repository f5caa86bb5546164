import { env } from "cloudflare:test";
import { loadConfig } from "../../../workers/config/config.ts";
import { type Database, type DatabaseSession, withDatabase } from "../../../workers/db/client.ts";

/** Runs `work` against the test database the Worker uses (as the table owner), to set up or check rows. */
export function withTestDatabase<T>(work: (db: Database) => Promise<T>): Promise<T> {
  return withDatabase(loadConfig(env), (session) => work(session.db));
}

/** The same, with the whole session, for tests of tenant-scoped access. */
export function withTestSession<T>(work: (session: DatabaseSession) => Promise<T>): Promise<T> {
  return withDatabase(loadConfig(env), work);
}
