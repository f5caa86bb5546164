import { z } from "zod";
import { defineJob, type JobDefinition } from "../queue/define-job.ts";
import { enqueue } from "../queue/enqueue.ts";
import type { JobEnvelope } from "../queue/envelope.ts";
import { giveUpResult } from "./analyses.ts";
import { runModuleResult } from "./analysis/run-module.ts";
import { labelPendingSentiment } from "./sentiment.ts";

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

const SentimentPayload = z.object({
  tenant_id: z.uuid(),
  brand_id: z.uuid(),
  /** Where the previous message of this run stopped, in id order. */
  after_id: z.uuid().nullable().default(null),
});

type SentimentMessage = z.infer<typeof SentimentPayload> & JobEnvelope<"insights.sentiment">;

/**
 * Relabels a brand's newly ingested posts by OpenAI (sentiment.ts), a few batches per message; a message
 * that leaves posts behind enqueues the next. Giving up leaves the lexicon's labels, which say so.
 */
export const postSentimentJob: JobDefinition<SentimentMessage> = defineJob({
  type: "insights.sentiment",
  kind: "long",
  payload: SentimentPayload,
  run: async (job, { session, config, env, log }) => {
    const outcome = await labelPendingSentiment(session, config, job.tenant_id, job.brand_id, job.after_id);
    log.info("post sentiment labelled", { sent: outcome.sent, labelled: outcome.labelled });
    if (outcome.nextAfterId)
      await enqueue(
        env,
        postSentimentJob,
        { tenant_id: job.tenant_id, brand_id: job.brand_id, after_id: outcome.nextAfterId },
        job.context ?? { request_id: `sentiment-${job.brand_id}` },
      );
  },
});

export const insightJobs = [analysisModuleJob, postSentimentJob] as const;
