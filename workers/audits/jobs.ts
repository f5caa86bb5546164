import { z } from "zod";
import { defineJob } from "../queue/define-job.ts";
import { failAudit } from "./audits.ts";
import { runAudit } from "./run-audit.ts";

/** Runs an audit: a crawl of minutes, so on the long queue. Giving up says the audit failed, and why. */
export const auditRunJob = defineJob({
  type: "audit.run",
  kind: "long",
  payload: z.object({ audit_id: z.uuid() }),
  run: (job, { session, config, log }) => runAudit(session.db, config, job.audit_id, log),
  giveUp: async (job, { session }) => {
    await failAudit(session.db, job.audit_id, "The audit could not be run: its retries ran out.");
  },
});

export const auditJobs = [auditRunJob] as const;
