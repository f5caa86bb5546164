import { z } from "zod";
import { type Config, loadConfig } from "../config/config.ts";
import type { Env } from "../config/env.ts";
import { type DatabaseSession, withDatabase } from "../db/client.ts";
import { forEachBounded } from "../lib/bounded.ts";
import { errorFields, Logger } from "../lib/log.ts";
import { parseTraceparent } from "../lib/trace-context.ts";
import { flushSoon } from "../observability/flush.ts";
import { metrics } from "../observability/recorder.ts";
import { inSpan, inTraceRecorder, type Span, startSpan, TraceRecorder } from "../observability/tracing.ts";
import type { JobDefinition } from "../queue/define-job.ts";
import type { JobEnvelope } from "../queue/envelope.ts";
import { jobDefinition } from "./registry.ts";

/** Where each queue's messages go once their retries ran out (wrangler.toml). */
export const DEAD_LETTER_QUEUES = new Set(["borde-jobs-dlq", "borde-long-jobs-dlq"]);

/**
 * How many messages of a batch run at once. They are independent, so one slow job (an OpenAI reply, a
 * crawl, a call to Twilio) does not hold up the others. They share the batch's one database connection,
 * whose statements queue up: a connection per message would cost a connection setup each and, on the
 * embedded PGlite (one backend session behind its sockets), interleave the protocol of concurrent ones.
 */
export const BATCH_CONCURRENCY = 4;

const TypeSchema = z.object({ type: z.string() });

/** Exponential backoff with a ceiling: 10 s, 20 s, 40 s … at most 10 minutes. */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(600, 10 * 2 ** Math.max(0, attempts - 1));
}

type ParsedJob = { definition: JobDefinition; job: JobEnvelope };

/** The message's job, validated by the schema its type declares; the issues when it is not one. */
function parseJob(body: unknown): ParsedJob | { issues: z.core.$ZodIssue[] | string } {
  const typed = TypeSchema.safeParse(body);
  if (!typed.success) return { issues: typed.error.issues };
  const definition = jobDefinition(typed.data.type);
  if (!definition) return { issues: `no job type "${typed.data.type}"` };
  const parsed = definition.parse(body);
  return parsed.success ? { definition, job: parsed.job } : { issues: parsed.issues };
}

/**
 * The job's logger: its queue message id and type, the request that enqueued it, and the ids its payload
 * names (tenant, audit, conversation …), so its lines can be found beside the request's; when tracing, the
 * trace its run is part of.
 */
function jobLog(message: Message, job: JobEnvelope, span?: Span): Logger {
  const ids = Object.entries(job).filter(([field]) => field.endsWith("_id"));
  const trace = span ? { trace_id: span.context.traceId } : {};
  return new Logger({
    job_id: message.id,
    job_type: job.type,
    ...job.context,
    ...trace,
    ...Object.fromEntries(ids),
  });
}

/** The job's run as a consumer span, a child of the span that enqueued it when its message names one. */
function jobSpan(message: Message, job: JobEnvelope): Span | undefined {
  return startSpan(job.type, "consumer", parseTraceparent(job.context?.traceparent), {
    "messaging.system": "cloudflare_queues",
    "messaging.operation.type": "process",
    "messaging.message.id": message.id,
    "borde.job_attempts": message.attempts,
    "borde.request_id": job.context?.request_id,
  });
}

async function runMessage(
  message: Message,
  session: DatabaseSession,
  config: Config,
  env: Env,
): Promise<void> {
  const parsed = parseJob(message.body);
  if ("issues" in parsed) {
    new Logger({ job_id: message.id }).error("job message rejected", { issues: parsed.issues });
    metrics.add("borde_jobs_total", { type: "unknown", outcome: "rejected" });
    message.ack();
    return;
  }
  const { definition, job } = parsed;
  const span = jobSpan(message, job);
  const log = jobLog(message, job, span);
  const started = performance.now();
  // One line per job run, as per request: its outcome and duration, beside the ids of its logger.
  const finished = (outcome: "succeeded" | "retried") => {
    const seconds = (performance.now() - started) / 1000;
    metrics.add("borde_jobs_total", { type: definition.type, outcome });
    metrics.observe("borde_job_duration_seconds", { type: definition.type }, seconds);
    log.info("job", { outcome, attempts: message.attempts, duration_ms: Math.round(seconds * 10_000) / 10 });
    span?.set({ "borde.job_outcome": outcome }).end();
  };

  try {
    await inSpan(span, () => definition.run(job, { session, config, log, env }));
    finished("succeeded");
    message.ack();
  } catch (error) {
    span?.fail(error);
    finished("retried");
    log.warn("job failed, will retry", { attempts: message.attempts, ...errorFields(error) });
    message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
  }
}

async function giveUpOn(message: Message, session: DatabaseSession, config: Config, env: Env): Promise<void> {
  const parsed = parseJob(message.body);
  const log = "issues" in parsed ? new Logger({ job_id: message.id }) : jobLog(message, parsed.job);
  log.error("job dead-lettered", { attempts: message.attempts, body: message.body });
  if ("issues" in parsed) {
    message.ack();
    return;
  }
  try {
    const { definition, job } = parsed;
    await definition.giveUp(job, { session, config, log, env });
    metrics.add("borde_jobs_total", { type: definition.type, outcome: "dead_lettered" });
    message.ack();
  } catch (error) {
    log.warn("dead-lettered job not recorded, will retry", errorFields(error));
    message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
  }
}

/**
 * The consumer of both job queues and their dead-letter queues. A malformed message is acknowledged and
 * logged (retrying cannot fix it); a job that throws is retried with backoff, and after max_retries the
 * queue moves it to the dead-letter queue, whose consumer records what giving up on it leaves behind.
 * Each message is acknowledged or retried on its own.
 */
export async function handleQueue(
  batch: MessageBatch<unknown>,
  env: Env,
  ctx?: ExecutionContext,
): Promise<void> {
  const config = loadConfig(env);
  const handle = DEAD_LETTER_QUEUES.has(batch.queue) ? giveUpOn : runMessage;
  const log = new Logger({ queue: batch.queue });
  // The batch's spans (one trace per job, whoever enqueued it) go out together once it is done.
  const traces = config.tracing && new TraceRecorder(config.tracing, log);
  await inTraceRecorder(traces, () =>
    withDatabase(
      config,
      (session) =>
        forEachBounded(batch.messages, BATCH_CONCURRENCY, (message) => handle(message, session, config, env)),
      log,
    ),
  );
  if (traces) {
    // Tests call it without a context: the export is then awaited.
    if (ctx) ctx.waitUntil(traces.export());
    else await traces.export();
  }
  if (ctx) flushSoon(env, (promise) => ctx.waitUntil(promise));
}
