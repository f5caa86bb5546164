// `npm run bench:alerts`: only the alerts figure of `npm run bench` (one evaluation cycle of 1,000 rules over
// 10,000 series, on wrangler dev's local queue and the bench's database), for working on the evaluation
// without the whole bench. BENCH_ALERT_RULES sets the rules (1,000), ten series each.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { benchAlerts } from "./lib/bench-alerts.ts";
import { startLocalDatabase, startWranglerDev } from "./lib/local-stack.ts";
import { newSigningKey } from "./lib/signing-keys.ts";

const database = await startLocalDatabase({ databaseUrl: process.env.DATABASE_URL });
const worker = await startWranglerDev({
  port: Number(process.env.BENCH_PORT ?? 8798),
  // BENCH_VERBOSE=1 shows the Worker's log (its job lines and errors).
  quiet: !process.env.BENCH_VERBOSE,
  persistTo: mkdtempSync(join(tmpdir(), "borde-bench-alerts-")),
  vars: {
    ENVIRONMENT: "development",
    DATABASE_URL: database.databaseUrl,
    LOCAL_DB_RELAY: database.relayAddress,
    JWT_SIGNING_KEYS: JSON.stringify([await newSigningKey()]),
    RATE_LIMIT_SCALE: "100000",
  },
});
try {
  const rules = Number(process.env.BENCH_ALERT_RULES ?? 1000);
  console.log(
    `alerts, one evaluation cycle of ${rules} rules: ${JSON.stringify(await benchAlerts(worker.url, database.databaseUrl, { rules }))}`,
  );
} finally {
  await worker.stop();
  await database.stop();
}
