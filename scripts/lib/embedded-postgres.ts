// PGlite (Postgres compiled to WebAssembly) behind its wire-protocol server: a real Postgres with nothing
// to install. It is one database session multiplexed over several connections.
import { mkdirSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

export type EmbeddedPostgres = { url: string; stop: () => Promise<void> };

/** Starts PGlite on `port` (0 picks a free one); `dataDir` persists data, none keeps it in memory. */
export async function startEmbeddedPostgres(
  options: { dataDir?: string; port?: number } = {},
): Promise<EmbeddedPostgres> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const db = await PGlite.create(options.dataDir);
  const server = new PGLiteSocketServer({
    db,
    host: "127.0.0.1",
    port: options.port ?? 0,
    maxConnections: 100,
  });
  let port = options.port ?? 0;
  server.addEventListener("listening", (event) => {
    port = ((event as CustomEvent).detail as AddressInfo).port;
  });
  await server.start();
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    stop: async () => {
      await server.stop();
      await db.close();
    },
  };
}
