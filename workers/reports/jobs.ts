import { z } from "zod";
import { uuidv7 } from "../lib/uuid.ts";
import { defineJob } from "../queue/define-job.ts";
import { enqueueAll } from "../queue/enqueue.ts";
import { sendReportDelivery } from "./deliveries.ts";
import { generateReport, pendingDeliveries } from "./reports.ts";

/** Sends one report to one channel; a receiver that fails it gets it again with the queue's backoff. */
export const reportSendJob = defineJob({
  type: "reports.send",
  kind: "short",
  payload: z.object({ tenant_id: z.uuid(), delivery_id: z.uuid() }),
  run: async (job, { session, config, log }) => {
    const outcome = await sendReportDelivery(session, job.tenant_id, job.delivery_id, config.publicUrl);
    log.info("daily report delivery", { outcome });
  },
});

/**
 * The daily run's report of one tenant and day: generated (a retry regenerates the same row), then sent to
 * each of the tenant's enabled channels, each send logged once so a retry never sends a report twice.
 */
export const reportGenerateJob = defineJob({
  type: "reports.generate",
  kind: "long",
  payload: z.object({ tenant_id: z.uuid(), day: z.iso.date() }),
  run: async (job, { session, env, log }) => {
    const [report] = await session.tenantQuery(job.tenant_id, (db) =>
      generateReport(db, job.tenant_id, job.day, new Date()),
    );
    if (!report) throw new Error("the report's upsert returned no row");
    const deliveries = await session.tenant(job.tenant_id, (db) =>
      pendingDeliveries(db, job.tenant_id, report.id),
    );
    await enqueueAll(
      env,
      reportSendJob,
      deliveries.map((id) => ({ tenant_id: job.tenant_id, delivery_id: id })),
      job.context ?? { request_id: uuidv7() },
    );
    log.info("daily report generated", { report_id: report.id, day: job.day, deliveries: deliveries.length });
  },
});

export const reportJobs = [reportGenerateJob, reportSendJob] as const;
