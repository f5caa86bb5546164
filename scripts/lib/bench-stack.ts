// What a single-figure bench (`npm run bench:imports`, `bench:alerts`) runs on: the bench's database
// (embedded, or DATABASE_URL's server) and wrangler dev with its own local queue and R2 state.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startLocalDatabase, startWranglerDev } from "./local-stack.ts";
import { newSigningKey } from "./signing-keys.ts";

export async function startBenchStack(name: string, defaultPort: number) {
  const database = await startLocalDatabase({ databaseUrl: process.env.DATABASE_URL });
  const worker = await startWranglerDev({
    port: Number(process.env.BENCH_PORT ?? defaultPort),
    // BENCH_VERBOSE=1 shows the Worker's log (its job lines and errors).
    quiet: !process.env.BENCH_VERBOSE,
    persistTo: mkdtempSync(join(tmpdir(), `borde-bench-${name}-`)),
    vars: {
      ENVIRONMENT: "development",
      DATABASE_URL: database.databaseUrl,
      LOCAL_DB_RELAY: database.relayAddress,
      JWT_SIGNING_KEYS: JSON.stringify([await newSigningKey()]),
      RATE_LIMIT_SCALE: "100000",
    },
  });
  return {
    database,
    worker,
    stop: async () => {
      await worker.stop();
      await database.stop();
    },
  };
}
