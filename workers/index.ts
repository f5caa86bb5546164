import { createApp } from "./app.ts";
import type { Env } from "./config/env.ts";
import { handleQueue } from "./jobs/consumer.ts";
import { handleScheduled } from "./jobs/cron.ts";

export { MetricsStore } from "../durable-objects/metrics-store.ts";
export { RateLimiter } from "../durable-objects/rate-limiter.ts";
export { VoiceCall } from "../durable-objects/voice-call.ts";
export { WebchatSession } from "../durable-objects/webchat-session.ts";

const app = createApp();

export default {
  fetch: app.fetch,
  // Tests call it without a context (`worker.queue(batch, env)`); then metrics stay in the isolate.
  queue: (batch, env, ctx?: ExecutionContext) => handleQueue(batch, env, ctx),
  scheduled: (controller, env) => handleScheduled(controller, env),
} satisfies ExportedHandler<Env, unknown>;
