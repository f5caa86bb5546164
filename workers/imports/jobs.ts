import { z } from "zod";
import { defineJob, type JobRuntime } from "../queue/define-job.ts";
import { transition } from "./batches.ts";
import { readFile } from "./file.ts";
import { promoteBatch } from "./promote.ts";
import type { BatchState } from "./tables.ts";
import { validateBatch } from "./validate.ts";

const BatchJobSchema = z.object({ tenant_id: z.uuid(), batch_id: z.uuid() });

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

/** Reads an uploaded CSV file into the batch's rows, then validates them. */
export const importReadFileJob = defineJob({
  type: "imports.read_file",
  kind: "long",
  payload: BatchJobSchema,
  run: (job, { session, env }) => readFile(session, env.FILES, job.tenant_id, job.batch_id),
  giveUp: failBatch("ingesting", "file"),
});

export const importValidateJob = defineJob({
  type: "imports.validate",
  kind: "long",
  payload: BatchJobSchema,
  run: (job, { session }) => validateBatch(session, job.tenant_id, job.batch_id),
  giveUp: failBatch("validating", "validation"),
});

export const importPromoteJob = defineJob({
  type: "imports.promote",
  kind: "long",
  payload: BatchJobSchema,
  run: (job, { session }) => promoteBatch(session, job.tenant_id, job.batch_id),
  giveUp: failBatch("promoting", "promotion"),
});

export const importJobs = [importReadFileJob, importValidateJob, importPromoteJob] as const;
