// PGlite (Postgres compiled to WebAssembly) behind a wire-protocol server (./pglite-server.ts): a real
// Postgres with nothing to install. It is one database session shared by several connections in turn.
import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { startPGliteServer } from "./pglite-server.ts";

export type EmbeddedPostgres = { url: string; stop: () => Promise<void> };

/** Starts PGlite on `port` (0 picks a free one); `dataDir` persists data, none keeps it in memory. */
export async function startEmbeddedPostgres(
  options: { dataDir?: string; port?: number } = {},
): Promise<EmbeddedPostgres> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const db = await PGlite.create(options.dataDir);
  const server = await startPGliteServer(db, {
    host: "127.0.0.1",
    port: options.port ?? 0,
    maxConnections: 100,
  });
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${server.port}/postgres`,
    stop: async () => {
      await server.stop();
      await db.close();
    },
  };
}
