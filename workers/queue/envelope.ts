import { z } from "zod";
import { validTraceparent } from "../lib/trace-context.ts";

/** Who enqueued a job: the request (or cron invocation) id and its W3C trace context, for the job's logs. */
export const JobContextSchema = z.object({
  request_id: z.string().min(1).max(128),
  traceparent: z
    .string()
    .refine((value) => validTraceparent(value) !== undefined, "not a W3C traceparent")
    .optional(),
});
export type JobContext = z.infer<typeof JobContextSchema>;

/** What every message carries besides its payload. `context` is optional: older messages have none. */
export type JobEnvelope<Type extends string = string> = { type: Type; context?: JobContext };

/** A message as the queues carry it; its job's schema validates the rest when it is consumed. */
export type QueuedJob = JobEnvelope & { [field: string]: unknown };
