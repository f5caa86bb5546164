import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { buildDocsAssets } from "./scripts/lib/docs-assets.ts";
import {
  TEST_ALLOWED_ORIGIN,
  TEST_OTLP_HEADERS,
  TEST_PUBLIC_URL,
  TEST_TWILIO_ACCOUNT_SID,
  TEST_TWILIO_AUTH_TOKEN,
} from "./test/support/constants.ts";

buildDocsAssets();

export default defineConfig({
  test: {
    // The Worker's structured logs (one JSON line per request or event) would drown the report.
    onConsoleLog: (line) => !line.startsWith('{"level":'),
    projects: [
      {
        plugins: [
          cloudflareTest(({ inject }) => ({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: {
                ENVIRONMENT: "test",
                DATABASE_URL: inject("databaseUrl"),
                LOCAL_DB_RELAY: inject("dbRelay"),
                ALLOWED_ORIGINS: TEST_ALLOWED_ORIGIN,
                JWT_SIGNING_KEYS: inject("jwtSigningKeys"),
                OPENAI_API_KEY: "sk-test-local",
                OPENAI_BASE_URL: inject("openaiBaseUrl"),
                OPENAI_TIMEOUT_MS: "1500",
                AUDIT_ALLOW_PRIVATE_TARGETS: "true",
                WEBHOOK_ALLOW_PRIVATE_TARGETS: "true",
                PUBLIC_URL: TEST_PUBLIC_URL,
                OPENAI_REALTIME_URL: inject("realtimeUrl"),
                TWILIO_ACCOUNT_SID: TEST_TWILIO_ACCOUNT_SID,
                TWILIO_AUTH_TOKEN: TEST_TWILIO_AUTH_TOKEN,
                TWILIO_API_BASE_URL: inject("twilioBaseUrl"),
                // Tests that wait for a request's waitUntil work would otherwise wait out the 5 s flush delay.
                METRICS_FLUSH_INTERVAL_MS: "50",
                SERPAPI_API_KEY: "serpapi-test-key",
                SERPAPI_BASE_URL: inject("serpapiBaseUrl"),
                SERPAPI_TIMEOUT_MS: "1000",
                // Traces go to the local receiver, but no new trace is sampled: only requests that send a
                // sampled traceparent (the tracing tests) are recorded, so the other tests export nothing.
                OTEL_EXPORTER_OTLP_ENDPOINT: inject("otlpEndpoint"),
                OTEL_EXPORTER_OTLP_HEADERS: TEST_OTLP_HEADERS,
                OTEL_TRACES_SAMPLER_ARG: "0",
                // Cases per operation of the generated bad-input test; CI asks for more.
                BAD_INPUT_RUNS: process.env.BAD_INPUT_RUNS ?? "12",
              },
            },
          })),
        ],
        test: {
          name: "worker",
          include: ["test/worker/**/*.test.ts"],
          globalSetup: ["./test/support/global-setup.ts"],
        },
      },
      {
        test: {
          name: "node",
          include: ["test/node/**/*.test.ts"],
          environment: "node",
          // Starting an embedded database takes seconds, more on a busy 2-core machine.
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
