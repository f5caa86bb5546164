import { z } from "zod";
import { defineJob } from "../queue/define-job.ts";
import { markTickConsumed } from "./cron-ticks.ts";

/** A cron tick made it through the queue; its run is marked consumed. */
export const schedulerTickJob = defineJob({
  type: "scheduler.tick",
  kind: "short",
  payload: z.object({ run_id: z.uuid() }),
  run: async (job, { session }) => {
    await markTickConsumed(session.db, job.run_id);
  },
});

export const cronJobs = [schedulerTickJob] as const;
