import type { Env } from "../config/env.ts";
import { activeSpan, withSpan } from "../observability/tracing.ts";
import type { JobDefinition, JobKind } from "./define-job.ts";
import type { JobContext, JobEnvelope } from "./envelope.ts";

/** The producer binding of each kind's queue (wrangler.toml). */
export const QUEUE_OF_KIND = { short: "JOBS", long: "LONG_JOBS" } as const satisfies Record<
  JobKind,
  keyof Env
>;

export type PayloadOf<Message extends JobEnvelope> = Omit<Message, "type" | "context">;

/** Puts a job on the queue of its kind, with the context of whoever enqueued it. */
export function enqueue<Message extends JobEnvelope>(
  env: Env,
  job: JobDefinition<Message>,
  payload: PayloadOf<Message>,
  context: JobContext,
): Promise<void> {
  return enqueueAll(env, job, [payload], context);
}

/** Messages one `sendBatch` call may carry (Cloudflare Queues' limit). */
const MESSAGES_PER_SEND = 100;

/** The same for many jobs of one type, in as few calls to the queue as its limit allows. */
export async function enqueueAll<Message extends JobEnvelope>(
  env: Env,
  job: JobDefinition<Message>,
  payloads: PayloadOf<Message>[],
  context: JobContext,
): Promise<void> {
  if (payloads.length === 0) return;
  const queue = QUEUE_OF_KIND[job.kind];
  const sending = {
    "messaging.system": "cloudflare_queues",
    "messaging.operation.type": "send",
    "messaging.destination.name": queue,
    "messaging.batch.message_count": payloads.length,
  };
  await withSpan(`send ${job.type}`, "producer", sending, async () => {
    // Inside a trace, the job's run continues it as a child of this send.
    const traceparent = activeSpan()?.traceparent;
    const carried = traceparent ? { ...context, traceparent } : context;
    for (let start = 0; start < payloads.length; start += MESSAGES_PER_SEND)
      await env[queue].sendBatch(
        payloads
          .slice(start, start + MESSAGES_PER_SEND)
          .map((payload) => ({ body: { ...payload, type: job.type, context: carried } })),
      );
  });
}
