import { z } from "zod";
import { defineJob, type JobRuntime } from "../queue/define-job.ts";
import { QUEUE_OF_KIND } from "../queue/enqueue.ts";
import type { JobEnvelope } from "../queue/envelope.ts";
import { transition } from "./batches.ts";
import {
  chunksUntil,
  FIRST_CHUNK_ROWS,
  JOB_BUDGET_MS,
  MAX_CHUNK_ROWS,
  MIN_CHUNK_ROWS,
} from "./chunk-budget.ts";
import { readFile } from "./file.ts";
import { promoteNextChunk } from "./promote.ts";
import type { BatchState } from "./tables.ts";
import { validateNextChunk } from "./validate.ts";

const BatchJobSchema = z.object({
  tenant_id: z.uuid(),
  batch_id: z.uuid(),
  /** The chunk span the run before ended with, so this run does not learn the database's pace again. */
  chunk_rows: z.int().min(MIN_CHUNK_ROWS).max(MAX_CHUNK_ROWS).optional(),
});
type BatchJob = z.infer<typeof BatchJobSchema> & JobEnvelope;
type ChunkedStep = "imports.validate" | "imports.promote";

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

const NEXT_CHUNK: Record<ChunkedStep, typeof validateNextChunk> = {
  "imports.validate": validateNextChunk,
  "imports.promote": promoteNextChunk,
};

/**
 * Runs the step's chunks until the batch is through it or the run's budget is spent; the rest goes on the
 * queue as a new message of the same step, with the chunk span this run ended with.
 */
async function chunkedStep(step: ChunkedStep, job: BatchJob, runtime: JobRuntime, deadline: number) {
  const { session, env, config, log } = runtime;
  const next = async (span: number) => {
    const started = Date.now();
    const outcome = await NEXT_CHUNK[step](session, job.tenant_id, job.batch_id, span);
    log.info("batch chunk", { step, span, outcome, duration_ms: Date.now() - started });
    return outcome;
  };
  const run = await chunksUntil(next, {
    deadline,
    span: job.chunk_rows ?? FIRST_CHUNK_ROWS,
    transactionMs: config.databaseTimeoutMs,
  });
  if (!run.left) return;
  await env[QUEUE_OF_KIND.long].send({
    type: step,
    tenant_id: job.tenant_id,
    batch_id: job.batch_id,
    chunk_rows: run.span,
    ...(job.context && { context: job.context }),
  });
}

/** Reads an uploaded CSV file into the batch's rows, then validates them (in this run while it lasts). */
export const importReadFileJob = defineJob({
  type: "imports.read_file",
  kind: "long",
  payload: BatchJobSchema,
  run: async (job, runtime) => {
    const deadline = Date.now() + JOB_BUDGET_MS;
    if (await readFile(runtime.session, runtime.env.FILES, job.tenant_id, job.batch_id))
      await chunkedStep("imports.validate", job, runtime, deadline);
  },
  giveUp: failBatch("ingesting", "file"),
});

/** A batch step worked in chunks; giving up leaves the batch failed, naming the step. */
const chunkedJob = (type: ChunkedStep, during: BatchState, step: string) =>
  defineJob({
    type,
    kind: "long",
    payload: BatchJobSchema,
    run: (job, runtime) => chunkedStep(type, job, runtime, Date.now() + JOB_BUDGET_MS),
    giveUp: failBatch(during, step),
  });

export const importValidateJob = chunkedJob("imports.validate", "validating", "validation");
export const importPromoteJob = chunkedJob("imports.promote", "promoting", "promotion");

export const importJobs = [importReadFileJob, importValidateJob, importPromoteJob] as const;
