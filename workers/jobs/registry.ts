import { alertJobs } from "../alerts/jobs.ts";
import { auditJobs } from "../audits/jobs.ts";
import { backupJobs } from "../backups/jobs.ts";
import { whatsAppJobs } from "../channels/whatsapp/jobs.ts";
import { importJobs } from "../imports/jobs.ts";
import { insightJobs } from "../insights/jobs.ts";
import type { JobDefinition } from "../queue/define-job.ts";
import { reportJobs } from "../reports/jobs.ts";
import { reputationJobs } from "../reputation/jobs.ts";
import { telemetryJobs } from "../telemetry/jobs.ts";
import { cronJobs } from "./cron-jobs.ts";

/** Every job the queues carry, as each domain declares them; a new domain adds its list here. */
export const JOB_DEFINITIONS = [
  ...cronJobs,
  ...auditJobs,
  ...whatsAppJobs,
  ...insightJobs,
  ...reputationJobs,
  ...importJobs,
  ...backupJobs,
  ...telemetryJobs,
  ...alertJobs,
  ...reportJobs,
] as const;

type MessageOf<Definition> = Definition extends JobDefinition<infer Message> ? Message : never;

/** Every message the queues carry, told apart by `type`. */
export type JobMessage = MessageOf<(typeof JOB_DEFINITIONS)[number]>;

const DEFINITION_OF_TYPE = new Map<string, JobDefinition>(
  JOB_DEFINITIONS.map((definition) => [definition.type, definition]),
);

/** The declaration of a job type, or undefined for a type no domain declares. */
export function jobDefinition(type: string): JobDefinition | undefined {
  return DEFINITION_OF_TYPE.get(type);
}
