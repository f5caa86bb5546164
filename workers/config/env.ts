import type { MetricsStore } from "../../durable-objects/metrics-store.ts";
import type { RateLimiter } from "../../durable-objects/rate-limiter.ts";
import type { VoiceCall } from "../../durable-objects/voice-call.ts";
import type { WebchatSession } from "../../durable-objects/webchat-session.ts";
import type { QueuedJob } from "../queue/envelope.ts";

/** Bindings and vars as wrangler.toml and secrets declare them; values are parsed by `loadConfig`. */
export interface Env {
  ENVIRONMENT?: string;
  DATABASE_URL?: string;
  LOCAL_DB_RELAY?: string;
  DATABASE_TIMEOUT_MS?: string;
  ALLOWED_ORIGINS?: string;
  JWT_SIGNING_KEYS?: string;
  RATE_LIMIT_SCALE?: string;
  OPENAI_API_KEY?: string;
  OPENAI_BASE_URL?: string;
  OPENAI_MODEL?: string;
  OPENAI_SENTIMENT_MODEL?: string;
  OPENAI_TIMEOUT_MS?: string;
  AUDIT_ALLOW_PRIVATE_TARGETS?: string;
  WEBHOOK_ALLOW_PRIVATE_TARGETS?: string;
  PUBLIC_URL?: string;
  OPENAI_REALTIME_URL?: string;
  OPENAI_REALTIME_MODEL?: string;
  TWILIO_ACCOUNT_SID?: string;
  TWILIO_AUTH_TOKEN?: string;
  TWILIO_API_BASE_URL?: string;
  METRICS_TOKEN?: string;
  METRICS_ENABLED?: string;
  METRICS_FLUSH_INTERVAL_MS?: string;
  LOG_LEVEL?: string;
  SERPAPI_API_KEY?: string;
  SERPAPI_BASE_URL?: string;
  SERPAPI_TIMEOUT_MS?: string;
  RANKS_DAILY_UPSTREAM_CAP?: string;
  TELEMETRY_POINTS_PER_MINUTE?: string;
  TELEMETRY_LOG_RECORDS_PER_MINUTE?: string;
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?: string;
  OTEL_EXPORTER_OTLP_HEADERS?: string;
  OTEL_TRACES_SAMPLER_ARG?: string;
  OTEL_SERVICE_NAME?: string;
  BACKUPS_KEEP?: string;
  RATE_LIMITER: DurableObjectNamespace<RateLimiter>;
  WEBCHAT_SESSION: DurableObjectNamespace<WebchatSession>;
  VOICE_CALL: DurableObjectNamespace<VoiceCall>;
  /** Totals of the metrics, sharded (workers/observability/flush.ts). */
  METRICS_STORE: DurableObjectNamespace<MetricsStore>;
  /** Short jobs: replies, sends, cron ticks. */
  JOBS: Queue<QueuedJob>;
  /** Long work (audits), so it never delays a short job. */
  LONG_JOBS: Queue<QueuedJob>;
  ASSETS: Fetcher;
  /** Files kept for a while, each key under its domain and tenant (`imports/<tenant>/…`). */
  FILES: R2Bucket;
}
