import { z } from "zod";
import { LOG_LEVELS, type LogLevel, setLogLevel } from "../lib/log.ts";
import type { Env } from "./env.ts";
import { parseOtlpHeaders, tracesEndpoint } from "./otlp-settings.ts";

const postgresUrl = z
  .string({ error: "DATABASE_URL is required (a postgres:// URL; `npm run dev` sets a local one)" })
  .refine((value) => /^postgres(ql)?:\/\/[^/]+/.test(value) && URL.canParse(value), {
    message: "DATABASE_URL must be a postgres:// or postgresql:// URL",
  });

const originList = z
  .string()
  .default("")
  .transform((value) =>
    value
      .split(",")
      .map((origin) => origin.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.url({ message: "ALLOWED_ORIGINS must list origins such as https://app.example.com" })));

const signingKeys = z
  .string({ error: "JWT_SIGNING_KEYS is required: `npm run keys:generate` prints a value" })
  .transform((value, ctx) => {
    try {
      return JSON.parse(value) as unknown;
    } catch {
      ctx.addIssue({ code: "custom", message: "JWT_SIGNING_KEYS must be JSON" });
      return z.NEVER;
    }
  })
  .pipe(
    z
      .array(
        z.object({
          kty: z.literal("OKP"),
          crv: z.literal("Ed25519"),
          kid: z.string().min(1),
          x: z.string(),
          d: z.string(),
        }),
        { error: "JWT_SIGNING_KEYS must be a JSON array of Ed25519 private JWKs, each with a kid" },
      )
      .min(1, "JWT_SIGNING_KEYS must hold at least one key; the first one signs"),
  );

const otlpUrl = (name: string) =>
  z
    .url({ protocol: /^https?$/, message: `${name} must be an http(s) URL such as http://collector:4318` })
    .optional();

const otlpHeaders = z
  .string()
  .default("")
  .transform((value, ctx) => {
    const parsed = parseOtlpHeaders(value);
    if ("headers" in parsed) return parsed.headers;
    ctx.addIssue({ code: "custom", message: `OTEL_EXPORTER_OTLP_HEADERS: ${parsed.error}` });
    return z.NEVER;
  });

const configSchema = z.object({
  ENVIRONMENT: z.enum(["development", "test", "production"]).default("production"),
  DATABASE_URL: postgresUrl,
  LOCAL_DB_RELAY: z
    .string()
    .regex(/^[\w.-]+:\d{1,5}$/, "LOCAL_DB_RELAY must be host:port")
    .default("127.0.0.1:54321"),
  DATABASE_TIMEOUT_MS: z.coerce
    .number({ error: "DATABASE_TIMEOUT_MS must be a number of milliseconds" })
    .int()
    .min(100, "DATABASE_TIMEOUT_MS must be at least 100")
    .max(60_000, "DATABASE_TIMEOUT_MS must be at most 60000")
    .default(5000),
  ALLOWED_ORIGINS: originList,
  JWT_SIGNING_KEYS: signingKeys,
  RATE_LIMIT_SCALE: z.coerce
    .number({ error: "RATE_LIMIT_SCALE must be a number" })
    .positive("RATE_LIMIT_SCALE must be above 0")
    .default(1),
  OPENAI_API_KEY: z.string().trim().min(1).optional(),
  OPENAI_BASE_URL: z
    .url({ message: "OPENAI_BASE_URL must be a URL such as https://api.openai.com/v1" })
    .optional(),
  OPENAI_MODEL: z.string().trim().min(1).default("gpt-4o-mini"),
  OPENAI_SENTIMENT_MODEL: z.string().trim().min(1).optional(),
  OPENAI_TIMEOUT_MS: z.coerce
    .number({ error: "OPENAI_TIMEOUT_MS must be a number of milliseconds" })
    .int()
    .min(100)
    .max(120_000)
    .default(20_000),
  AUDIT_ALLOW_PRIVATE_TARGETS: z.enum(["true", "false"]).default("false"),
  WEBHOOK_ALLOW_PRIVATE_TARGETS: z.enum(["true", "false"]).default("false"),
  PUBLIC_URL: z
    .url({
      protocol: /^https?$/,
      message: "PUBLIC_URL must be an http(s) URL such as https://api.example.com",
    })
    .optional(),
  OPENAI_REALTIME_URL: z
    .url({ protocol: /^wss?$/, message: "OPENAI_REALTIME_URL must be a ws:// or wss:// URL" })
    .default("wss://api.openai.com/v1/realtime"),
  OPENAI_REALTIME_MODEL: z.string().trim().min(1).default("gpt-realtime"),
  TWILIO_ACCOUNT_SID: z
    .string()
    .trim()
    .regex(/^AC[0-9a-fA-F]{32}$/, "TWILIO_ACCOUNT_SID must be AC followed by 32 hex digits")
    .optional(),
  TWILIO_AUTH_TOKEN: z.string().trim().min(1).optional(),
  TWILIO_API_BASE_URL: z
    .url({ message: "TWILIO_API_BASE_URL must be a URL such as https://api.twilio.com" })
    .default("https://api.twilio.com"),
  LOG_LEVEL: z
    .enum(LOG_LEVELS, { error: `LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}` })
    .default("info"),
  METRICS_TOKEN: z.string().trim().min(16, "METRICS_TOKEN must be at least 16 characters").optional(),
  METRICS_ENABLED: z.enum(["true", "false"]).default("true"),
  METRICS_FLUSH_INTERVAL_MS: z.coerce
    .number({ error: "METRICS_FLUSH_INTERVAL_MS must be a number of milliseconds" })
    .int()
    .min(10)
    .max(20_000, "METRICS_FLUSH_INTERVAL_MS must be at most 20000 (waitUntil lasts 30 s)")
    .default(5000),
  SERPAPI_API_KEY: z.string().trim().min(1).optional(),
  SERPAPI_BASE_URL: z
    .url({ message: "SERPAPI_BASE_URL must be a URL such as https://serpapi.com" })
    .default("https://serpapi.com"),
  SERPAPI_TIMEOUT_MS: z.coerce
    .number({ error: "SERPAPI_TIMEOUT_MS must be a number of milliseconds" })
    .int()
    .min(100)
    .max(60_000)
    .default(10_000),
  RANKS_DAILY_UPSTREAM_CAP: z.coerce
    .number({ error: "RANKS_DAILY_UPSTREAM_CAP must be a number of calls" })
    .int()
    .min(0)
    .default(1000),
  TELEMETRY_POINTS_PER_MINUTE: z.coerce
    .number({ error: "TELEMETRY_POINTS_PER_MINUTE must be a number" })
    .int()
    .positive()
    .default(1_200_000),
  TELEMETRY_LOG_RECORDS_PER_MINUTE: z.coerce
    .number({ error: "TELEMETRY_LOG_RECORDS_PER_MINUTE must be a number" })
    .int()
    .positive()
    .default(300_000),
  OTEL_EXPORTER_OTLP_ENDPOINT: otlpUrl("OTEL_EXPORTER_OTLP_ENDPOINT"),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: otlpUrl("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"),
  OTEL_EXPORTER_OTLP_HEADERS: otlpHeaders,
  OTEL_TRACES_SAMPLER_ARG: z.coerce
    .number({ error: "OTEL_TRACES_SAMPLER_ARG must be a ratio from 0 to 1" })
    .min(0, "OTEL_TRACES_SAMPLER_ARG must be a ratio from 0 to 1")
    .max(1, "OTEL_TRACES_SAMPLER_ARG must be a ratio from 0 to 1")
    .default(1),
  OTEL_SERVICE_NAME: z.string().trim().min(1).default("borde"),
  BACKUPS_KEEP: z.coerce
    .number({ error: "BACKUPS_KEEP must be a number of backups" })
    .int()
    .min(1, "BACKUPS_KEEP must be at least 1")
    .max(100, "BACKUPS_KEEP must be at most 100")
    .default(8),
});

export type SigningKey = z.infer<typeof signingKeys>[number];

export type Config = {
  environment: "development" | "test" | "production";
  databaseUrl: string;
  /** Where the WebSocket-to-TCP relay listens; used only when DATABASE_URL points at this machine. */
  localDbRelay: string;
  /** How long a connection, a query or a whole tenant transaction may take before the request gets a 503. */
  databaseTimeoutMs: number;
  allowedOrigins: string[];
  /** Ed25519 private JWKs: the first signs access tokens, all of them verify (so keys can rotate). */
  signingKeys: SigningKey[];
  /** Multiplies every rate limit: 1 in production; load tests raise it. */
  rateLimitScale: number;
  /** Whether audits may crawl localhost and private addresses: for local sites in development and tests only. */
  auditAllowPrivateTargets: boolean;
  /** Whether alert channels may send to private and loopback addresses (a receiver on this machine). */
  webhookAllowPrivateTargets: boolean;
  /**
   * Where clients reach this deployment (PUBLIC_URL, no trailing slash), for links sent outside a request,
   * such as a daily report's in its channel message; unset, those links are paths.
   */
  publicUrl: string | undefined;
  /** OpenAI, or an API that speaks its protocol; without a key, features that use it fall back and say so. */
  openai: {
    apiKey: string | undefined;
    baseUrl: string | undefined;
    model: string;
    timeoutMs: number;
    /** The model that relabels ingested posts' sentiment; unset, the in-Worker lexicon's labels stay. */
    sentimentModel: string | undefined;
    /** The Realtime API's WebSocket endpoint and model, for voice calls. */
    realtimeUrl: string;
    realtimeModel: string;
  };
  /** Twilio, or a server speaking its API; without credentials, the Twilio webhooks answer 503. */
  twilio: { accountSid: string | undefined; authToken: string | undefined; apiBaseUrl: string };
  /**
   * Prometheus metrics: whether requests and jobs record them, how often an isolate flushes its deltas,
   * and the bearer token of `GET /metrics` (without one, the route is open outside production, absent in it).
   */
  metrics: { enabled: boolean; flushIntervalMs: number; token: string | undefined };
  /** The least severe log level written (LOG_LEVEL). */
  logLevel: LogLevel;
  /** SerpApi, or a server speaking its Google engine's JSON; without a key, rank lookups fall back. */
  serpapi: { apiKey: string | undefined; baseUrl: string; timeoutMs: number };
  /** SerpApi calls one tenant may cause per UTC day (cache hits are free), to protect the bill. */
  ranksDailyUpstreamCap: number;
  /** Each tenant's ingest quotas per minute, unless its telemetry settings say otherwise. */
  telemetry: { pointsPerMinute: number; logRecordsPerMinute: number };
  /**
   * OpenTelemetry traces over OTLP/HTTP JSON: where they go, the headers sent with them, the share of new
   * traces kept (a trace that came with a parent keeps its parent's decision) and the service name.
   * Undefined without an endpoint: nothing is recorded.
   */
  tracing: TracingSettings | undefined;
  /** How many completed backups each tenant keeps; older ones are deleted after each new one. */
  backups: { keep: number };
};

export type TracingSettings = {
  endpoint: string;
  headers: Record<string, string>;
  sampleRatio: number;
  serviceName: string;
};

function tracingSettings(data: z.infer<typeof configSchema>): TracingSettings | undefined {
  const endpoint = tracesEndpoint(data.OTEL_EXPORTER_OTLP_ENDPOINT, data.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
  if (!endpoint) return undefined;
  return {
    endpoint,
    headers: data.OTEL_EXPORTER_OTLP_HEADERS,
    sampleRatio: data.OTEL_TRACES_SAMPLER_ARG,
    serviceName: data.OTEL_SERVICE_NAME,
  };
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

// Bindings are fixed for the life of an isolate, so each env object is parsed once.
const parsed = new WeakMap<Env, Config>();

export function loadConfig(env: Env): Config {
  const cached = parsed.get(env);
  if (cached) {
    // Every request and job loads its configuration first, so each runs at its own env's level.
    setLogLevel(cached.logLevel);
    return cached;
  }
  const result = configSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration: ${problems.join("; ")}`);
  }
  const config: Config = {
    environment: result.data.ENVIRONMENT,
    databaseUrl: result.data.DATABASE_URL,
    localDbRelay: result.data.LOCAL_DB_RELAY,
    databaseTimeoutMs: result.data.DATABASE_TIMEOUT_MS,
    allowedOrigins: result.data.ALLOWED_ORIGINS,
    signingKeys: result.data.JWT_SIGNING_KEYS,
    rateLimitScale: result.data.RATE_LIMIT_SCALE,
    openai: {
      apiKey: result.data.OPENAI_API_KEY,
      baseUrl: result.data.OPENAI_BASE_URL,
      model: result.data.OPENAI_MODEL,
      timeoutMs: result.data.OPENAI_TIMEOUT_MS,
      sentimentModel: result.data.OPENAI_SENTIMENT_MODEL,
      realtimeUrl: result.data.OPENAI_REALTIME_URL,
      realtimeModel: result.data.OPENAI_REALTIME_MODEL,
    },
    twilio: {
      accountSid: result.data.TWILIO_ACCOUNT_SID,
      authToken: result.data.TWILIO_AUTH_TOKEN,
      apiBaseUrl: result.data.TWILIO_API_BASE_URL.replace(/\/+$/, ""),
    },
    metrics: {
      enabled: result.data.METRICS_ENABLED === "true",
      flushIntervalMs: result.data.METRICS_FLUSH_INTERVAL_MS,
      token: result.data.METRICS_TOKEN,
    },
    logLevel: result.data.LOG_LEVEL,
    serpapi: {
      apiKey: result.data.SERPAPI_API_KEY,
      baseUrl: result.data.SERPAPI_BASE_URL.replace(/\/+$/, ""),
      timeoutMs: result.data.SERPAPI_TIMEOUT_MS,
    },
    ranksDailyUpstreamCap: result.data.RANKS_DAILY_UPSTREAM_CAP,
    telemetry: {
      pointsPerMinute: result.data.TELEMETRY_POINTS_PER_MINUTE,
      logRecordsPerMinute: result.data.TELEMETRY_LOG_RECORDS_PER_MINUTE,
    },
    backups: { keep: result.data.BACKUPS_KEEP },
    auditAllowPrivateTargets:
      result.data.AUDIT_ALLOW_PRIVATE_TARGETS === "true" && result.data.ENVIRONMENT !== "production",
    tracing: tracingSettings(result.data),
    webhookAllowPrivateTargets:
      result.data.WEBHOOK_ALLOW_PRIVATE_TARGETS === "true" && result.data.ENVIRONMENT !== "production",
    publicUrl: result.data.PUBLIC_URL?.replace(/\/+$/, ""),
  };
  parsed.set(env, config);
  setLogLevel(config.logLevel);
  return config;
}
