import { z } from "zod";
import type { Config } from "../config/config.ts";
import type { Env } from "../config/env.ts";
import type { DatabaseSession } from "../db/client.ts";
import type { Logger } from "../lib/log.ts";
import { JobContextSchema, type JobEnvelope } from "./envelope.ts";

/**
 * Which queue a job goes on: short jobs (replies, sends, ticks) must not wait behind long ones (an audit's
 * crawl takes minutes), so each kind has its own queue and consumer.
 */
export type JobKind = "short" | "long";

/**
 * What a job runs with: its batch's database session, the config, a logger bound to the job, and the
 * Worker's bindings (a bucket, say).
 */
export type JobRuntime = { session: DatabaseSession; config: Config; log: Logger; env: Env };

export type JobParse<Message> =
  | { success: true; job: Message }
  | { success: false; issues: z.core.$ZodIssue[] };

export interface JobDefinition<Message extends JobEnvelope = JobEnvelope> {
  readonly type: string;
  readonly kind: JobKind;
  // Declared as methods, so a definition of one message type is also a definition of some message.
  /** Validates a message of this type: its `type`, its context and its payload. */
  parse(body: unknown): JobParse<Message>;
  run(job: Message, runtime: JobRuntime): Promise<void>;
  /** What a message that ran out of retries leaves behind (e.g. an audit marked failed). */
  giveUp(job: Message, runtime: JobRuntime): Promise<void>;
}

/**
 * Declares a job type: its name, its queue, its payload schema, what running it does and what giving up
 * on it leaves behind (nothing, unless said). The domain that owns the job declares it; the registry
 * (workers/jobs/registry.ts) lists the domains' declarations.
 */
export function defineJob<const Type extends string, Shape extends z.ZodRawShape>(declaration: {
  type: Type;
  kind: JobKind;
  payload: z.ZodObject<Shape>;
  run: (job: z.infer<z.ZodObject<Shape>> & JobEnvelope<Type>, runtime: JobRuntime) => Promise<void>;
  giveUp?: (job: z.infer<z.ZodObject<Shape>> & JobEnvelope<Type>, runtime: JobRuntime) => Promise<void>;
}): JobDefinition<z.infer<z.ZodObject<Shape>> & JobEnvelope<Type>> {
  const { type, kind, payload, run, giveUp } = declaration;
  const envelope = z.object({ type: z.literal(type), context: JobContextSchema.optional() });
  return {
    type,
    kind,
    parse: (body) => {
      const head = envelope.safeParse(body);
      const fields = payload.safeParse(body);
      if (head.success && fields.success) return { success: true, job: { ...fields.data, ...head.data } };
      return { success: false, issues: [...(head.error?.issues ?? []), ...(fields.error?.issues ?? [])] };
    },
    run,
    giveUp: giveUp ?? (async () => undefined),
  };
}
