import { z } from "zod";
import { uuidv7 } from "../lib/uuid.ts";
import { defineJob } from "../queue/define-job.ts";
import { enqueue } from "../queue/enqueue.ts";
import { DELETE_BATCH_ROWS, deleteExpired } from "./retention.ts";

/**
 * Deletes a batch of the tenant's telemetry past its retention; while a batch comes back full, the job
 * enqueues itself again, so a large backlog is worked off a bounded statement at a time.
 */
export const telemetryRetentionJob = defineJob({
  type: "telemetry.retention",
  kind: "long",
  payload: z.object({ tenant_id: z.uuid() }),
  run: async (job, { session, env, log }) => {
    const cleaned = await session.tenant(job.tenant_id, (db) => deleteExpired(db, job.tenant_id, new Date()));
    if (cleaned.metricPoints > 0 || cleaned.logRecords > 0) log.info("expired telemetry deleted", cleaned);
    if (cleaned.metricPoints >= DELETE_BATCH_ROWS || cleaned.logRecords >= DELETE_BATCH_ROWS)
      await enqueue(
        env,
        telemetryRetentionJob,
        { tenant_id: job.tenant_id },
        job.context ?? { request_id: uuidv7() },
      );
  },
});

export const telemetryJobs = [telemetryRetentionJob] as const;
