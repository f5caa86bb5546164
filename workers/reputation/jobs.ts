import { z } from "zod";
import { defineJob } from "../queue/define-job.ts";
import { trackProjectRanks } from "./tracking.ts";

/**
 * Looks up a project's keywords on its schedule: up to 20 keywords of up to 10 SerpApi pages each, so on
 * the long queue. SerpApi failures are answered by the fallback, not retried by the queue; the tenant's
 * daily cap bounds the calls.
 */
export const rankTrackJob = defineJob({
  type: "reputation.track_ranks",
  kind: "long",
  payload: z.object({ project_id: z.uuid(), tenant_id: z.uuid() }),
  run: (job, { session, config }) =>
    trackProjectRanks(session, config, job.tenant_id, job.project_id, new Date()),
});

export const reputationJobs = [rankTrackJob] as const;
