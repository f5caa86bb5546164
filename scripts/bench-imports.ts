// `npm run bench:imports`: only the import figure of `npm run bench` (a generated products CSV through
// upload → read → validate → promote, on wrangler dev's local queue and R2 and the bench's database),
// for working on the pipeline without the whole bench. BENCH_IMPORT_ROWS sets the file's rows (100,000).
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { benchImports } from "./lib/bench-imports.ts";
import { startLocalDatabase, startWranglerDev } from "./lib/local-stack.ts";
import { newSigningKey } from "./lib/signing-keys.ts";

const database = await startLocalDatabase({ databaseUrl: process.env.DATABASE_URL });
const worker = await startWranglerDev({
  port: Number(process.env.BENCH_PORT ?? 8797),
  // BENCH_VERBOSE=1 shows the Worker's log (its job lines and errors).
  quiet: !process.env.BENCH_VERBOSE,
  persistTo: mkdtempSync(join(tmpdir(), "borde-bench-imports-")),
  vars: {
    ENVIRONMENT: "development",
    DATABASE_URL: database.databaseUrl,
    LOCAL_DB_RELAY: database.relayAddress,
    JWT_SIGNING_KEYS: JSON.stringify([await newSigningKey()]),
    RATE_LIMIT_SCALE: "100000",
  },
});
try {
  const rows = Number(process.env.BENCH_IMPORT_ROWS ?? 100_000);
  console.log(
    `imports, upload → validate → promote: ${JSON.stringify(await benchImports(worker.url, worker.child.pid, rows))}`,
  );
} finally {
  await worker.stop();
  await database.stop();
}
