import { z } from "zod";
import { defineJob } from "../queue/define-job.ts";
import { giveUpResult } from "./analyses.ts";
import { runModuleResult } from "./analysis/run-module.ts";

/**
 * How long a queued module may spend on the model, all attempts together; the long queue's consumer has
 * minutes, and a module that runs out falls back like one whose model does not answer.
 */
export const QUEUED_MODULE_BUDGET_MS = 120_000;

/** Runs one module of an analysis: one message per module, so a slow or failing one holds no other. */
export const analysisModuleJob = defineJob({
  type: "insights.module",
  kind: "long",
  payload: z.object({ result_id: z.uuid() }),
  run: async (job, { session, config, log }) => {
    await runModuleResult(session, config, job.result_id, log, Date.now() + QUEUED_MODULE_BUDGET_MS);
  },
  giveUp: async (job, { session }) => {
    await giveUpResult(session.db, job.result_id, "The module could not be run: its retries ran out.");
  },
});

export const insightJobs = [analysisModuleJob] as const;
