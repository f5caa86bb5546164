// `npm run dev`: the whole API on this machine with no account and no network. Ctrl-C stops everything.
import { join, relative } from "node:path";
import { startCronDriver, wranglerCrons } from "./lib/cron-driver.ts";
import { buildDocsAssets } from "./lib/docs-assets.ts";
import { LOCAL_DATA_DIR, ROOT, startLocalDatabase, startWranglerDev } from "./lib/local-stack.ts";
import { DEMO, seedDemo } from "./lib/seed.ts";
import { localSigningKeys } from "./lib/signing-keys.ts";
import { rttFromEnvironment } from "./lib/ws-relay.ts";

const port = Number(process.env.PORT ?? 8787);
// Another directory keeps a second stack (the browser test's) apart from yours.
const dataDir = process.env.BORDE_DATA_DIR ?? LOCAL_DATA_DIR;
const started = performance.now();

buildDocsAssets();
const database = await startLocalDatabase({
  databaseUrl: process.env.DATABASE_URL,
  dataDir: join(dataDir, "pgdata"),
  dbPort: Number(process.env.BORDE_DB_PORT ?? 54320),
  relayPort: Number(process.env.BORDE_DB_RELAY_PORT ?? 54321),
  // BORDE_DB_RTT_MS=80 npm run dev: every database round trip waits as for a database 80 ms away.
  rttMs: rttFromEnvironment(),
});
const origin = `http://localhost:${port}`;
await seedDemo(database.databaseUrl, [origin, `http://127.0.0.1:${port}`]);

// OpenAI and SerpApi settings from the environment, when set, so the assistant and rank lookups are the
// real ones (else their fallbacks); the metrics, trace and log settings (README, Operating Borde) likewise.
const serviceVars = Object.fromEntries(
  [
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "OPENAI_MODEL",
    "OPENAI_SENTIMENT_MODEL",
    "METRICS_TOKEN",
    "METRICS_ENABLED",
    "METRICS_FLUSH_INTERVAL_MS",
    "LOG_LEVEL",
    "OTEL_EXPORTER_OTLP_ENDPOINT",
    "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
    "OTEL_EXPORTER_OTLP_HEADERS",
    "OTEL_TRACES_SAMPLER_ARG",
    "OTEL_SERVICE_NAME",
    "SERPAPI_API_KEY",
    "SERPAPI_BASE_URL",
    "RANKS_DAILY_UPSTREAM_CAP",
    "BACKUPS_KEEP",
    "PUBLIC_URL",
  ].flatMap((name) => {
    const value = process.env[name];
    return value ? [[name, value]] : [];
  }),
);
const worker = await startWranglerDev({
  port,
  persistTo: join(dataDir, "wrangler"),
  vars: {
    ENVIRONMENT: "development",
    DATABASE_URL: database.databaseUrl,
    LOCAL_DB_RELAY: database.relayAddress,
    ALLOWED_ORIGINS: `${origin},http://127.0.0.1:${port}`,
    JWT_SIGNING_KEYS: await localSigningKeys(join(dataDir, "jwt-signing-keys.json")),
    // Lets a developer audit a site running on this machine; never honoured in production.
    AUDIT_ALLOW_PRIVATE_TARGETS: "true",
    // Lets alert channels send to a webhook receiver on this machine; never honoured in production.
    WEBHOOK_ALLOW_PRIVATE_TARGETS: "true",
    // Links sent outside a request (a daily report's, in its channel message) point at this server.
    PUBLIC_URL: origin,
    ...serviceVars,
  },
});

// BORDE_DEV_CRONS=off leaves the triggers to be fired by hand (the curl line below).
const crons = process.env.BORDE_DEV_CRONS === "off" ? [] : wranglerCrons(ROOT);
const stopCrons = startCronDriver(origin, crons, (line) => console.warn(line));

console.log(`
  Borde is running (ready in ${((performance.now() - started) / 1000).toFixed(1)} s)
  API       ${origin}/api/v1
  Docs      ${origin}/docs
  OpenAPI   ${origin}/openapi.json
  Health    ${origin}/ready
  Metrics   ${origin}/metrics (open in development: no METRICS_TOKEN needed)
  Database  ${database.embedded ? `embedded PGlite in ${relative(ROOT, join(dataDir, "pgdata"))} (${database.databaseUrl})` : "DATABASE_URL"}${database.rtt.ms ? `, ${database.rtt.ms} ms added per round trip` : ""}
  Demo      tenant "${DEMO.tenantSlug}": sign in as ${DEMO.email} / ${DEMO.password}
  Webchat   ${origin}/widget/demo (the widget on the demo tenant; fallback replies without OPENAI_API_KEY)
  Cron      ${crons.length > 0 ? `fired on schedule: ${crons.join(", ")} (BORDE_DEV_CRONS=off to stop)` : "off"}; by hand: curl "${origin}/__scheduled?cron=*/5+*+*+*+*"
  Stop with Ctrl-C.
`);

let stopping = false;
async function stop(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    stopCrons();
    await worker.stop();
    await database.stop();
  }
  process.exit(code);
}
process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));
worker.child.once("exit", (code) => void stop(code ?? 1));
