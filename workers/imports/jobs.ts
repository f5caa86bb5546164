import { z } from "zod";
import type { Env } from "../config/env.ts";
import { defineJob, type JobRuntime } from "../queue/define-job.ts";
import { QUEUE_OF_KIND } from "../queue/enqueue.ts";
import type { JobEnvelope } from "../queue/envelope.ts";
import { transition } from "./batches.ts";
import { chunksUntil, JOB_BUDGET_MS } from "./chunk-budget.ts";
import { readFile } from "./file.ts";
import { promoteNextChunk } from "./promote.ts";
import type { BatchState } from "./tables.ts";
import { validateNextChunk } from "./validate.ts";

const BatchJobSchema = z.object({ tenant_id: z.uuid(), batch_id: z.uuid() });
type BatchJob = z.infer<typeof BatchJobSchema> & JobEnvelope;

/** Giving up on a batch's job leaves the batch failed, saying which step ran out of retries. */
const failBatch =
  (during: BatchState, step: string) =>
  async (job: z.infer<typeof BatchJobSchema>, { session }: JobRuntime) => {
    await session.tenant(job.tenant_id, (db) =>
      transition(db, job.tenant_id, job.batch_id, [during], "failed", {
        failureReason: `The batch's ${step} could not be finished: its retries ran out. Rows done so far are kept.`,
      }),
    );
  };

/** Puts the batch's `type` job on the queue: the work this run left continues in a new one. */
const continueAs = (env: Env, type: "imports.validate" | "imports.promote", job: BatchJob) =>
  env[QUEUE_OF_KIND.long].send({
    type,
    tenant_id: job.tenant_id,
    batch_id: job.batch_id,
    ...(job.context && { context: job.context }),
  });

/** Validates chunks until the batch is validated or the run's budget is spent, then hands on the rest. */
async function validateWithin(job: BatchJob, { session, env }: JobRuntime, deadline: number) {
  const next = () => validateNextChunk(session, job.tenant_id, job.batch_id);
  if (await chunksUntil(next, deadline)) await continueAs(env, "imports.validate", job);
}

/** Reads an uploaded CSV file into the batch's rows, then validates them (in this run while it lasts). */
export const importReadFileJob = defineJob({
  type: "imports.read_file",
  kind: "long",
  payload: BatchJobSchema,
  run: async (job, runtime) => {
    const deadline = Date.now() + JOB_BUDGET_MS;
    if (await readFile(runtime.session, runtime.env.FILES, job.tenant_id, job.batch_id))
      await validateWithin(job, runtime, deadline);
  },
  giveUp: failBatch("ingesting", "file"),
});

export const importValidateJob = defineJob({
  type: "imports.validate",
  kind: "long",
  payload: BatchJobSchema,
  run: (job, runtime) => validateWithin(job, runtime, Date.now() + JOB_BUDGET_MS),
  giveUp: failBatch("validating", "validation"),
});

export const importPromoteJob = defineJob({
  type: "imports.promote",
  kind: "long",
  payload: BatchJobSchema,
  run: async (job, { session, env }) => {
    const next = () => promoteNextChunk(session, job.tenant_id, job.batch_id);
    if (await chunksUntil(next, Date.now() + JOB_BUDGET_MS)) await continueAs(env, "imports.promote", job);
  },
  giveUp: failBatch("promoting", "promotion"),
});

export const importJobs = [importReadFileJob, importValidateJob, importPromoteJob] as const;
