import type { Config } from "../config/config.ts";
import type { Database } from "../db/client.ts";
import { errorFields, type Logger } from "../lib/log.ts";
import { claimAudit, completeAudit, recordProgress, releaseAudit } from "./audits.ts";
import { runChecks } from "./checks.ts";
import { crawlSite } from "./crawler.ts";
import { failureReason } from "./failure-reason.ts";
import { scoreChecks } from "./scoring.ts";
import { summariseAudit } from "./summary.ts";

/**
 * The audit.run job: claim, crawl, check, score, summarise, store. Problems of the audited site are
 * part of the result; an error here (the database, say) releases the audit and rethrows, so the queue
 * retries the message.
 */
export async function runAudit(db: Database, config: Config, auditId: string, log: Logger): Promise<void> {
  const claimed = await claimAudit(db, auditId);
  if (!claimed) {
    log.info("audit not claimable, skipped");
    return;
  }
  const { audit, project } = claimed;
  const auditLog = log.with({ tenant_id: audit.tenantId });
  try {
    const crawl = await crawlSite(project.siteUrl, {
      maxPages: project.maxPages,
      allowPrivate: config.auditAllowPrivateTargets,
      onProgress: (done, planned) => recordProgress(db, audit.id, done, planned),
    });
    const checks = runChecks(crawl, project.keywords);
    const scores = scoreChecks(checks);
    const summary = await summariseAudit(
      config,
      {
        projectName: project.name,
        siteUrl: project.siteUrl,
        score: scores.overall,
        checks,
      },
      auditLog,
    );
    const pages = crawl.pages.map((page) => ({
      url: page.url,
      status: page.status,
      ttfb_ms: page.ttfbMs,
      bytes: page.bytes,
      redirects: page.redirects.length,
      title: page.facts.titles[0] ?? null,
      error: page.error,
    }));
    await completeAudit(db, audit, { checks, scores, pages, ...summary });
  } catch (error) {
    auditLog.warn("audit run failed", errorFields(error));
    await releaseAudit(db, audit.id, failureReason(error)).catch(() => undefined);
    throw error;
  }
}
