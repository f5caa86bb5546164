/**
 * Every series Borde exports. Labels are closed sets or route templates, never raw paths or ids, so the
 * number of series stays bounded whatever the traffic. The README ("Operating Borde") lists their meaning.
 */
export type MetricType = "counter" | "gauge" | "histogram";

export type MetricDefinition = {
  readonly type: MetricType;
  readonly help: string;
  readonly labels: readonly string[];
  /** Upper bounds of a histogram's buckets, in increasing order (+Inf is added). */
  readonly buckets?: readonly number[];
};

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const JOB_SECONDS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
const ROUND_TRIPS = [0, 1, 2, 3, 4, 6, 8, 12, 16];

export const METRICS = {
  borde_http_requests_total: {
    type: "counter",
    help: "HTTP requests answered, by route template, method and status class.",
    labels: ["route", "method", "status_class"],
  },
  borde_http_request_duration_seconds: {
    type: "histogram",
    help: "Time from receiving a request to its response, by route template.",
    labels: ["route"],
    buckets: SECONDS,
  },
  borde_http_request_database_round_trips: {
    type: "histogram",
    help: "Database round trips (queries, batches, transaction statements) made while serving a request.",
    labels: ["route"],
    buckets: ROUND_TRIPS,
  },
  borde_rate_limit_decisions_total: {
    type: "counter",
    help: "Rate-limit decisions, by bucket kind and outcome (allowed, refused, or unavailable: failed open).",
    labels: ["bucket", "outcome"],
  },
  borde_jobs_total: {
    type: "counter",
    help: "Queue messages handled, by job type and outcome (succeeded, retried, rejected, dead_lettered).",
    labels: ["type", "outcome"],
  },
  borde_job_duration_seconds: {
    type: "histogram",
    help: "Time a job ran, by job type.",
    labels: ["type"],
    buckets: JOB_SECONDS,
  },
  borde_outbound_requests_total: {
    type: "counter",
    help: "Calls to outside services (openai, twilio, serpapi, audited_site), by outcome (ok, error_status, failed).",
    labels: ["service", "outcome"],
  },
  borde_outbound_request_duration_seconds: {
    type: "histogram",
    help: "Time to the response headers of a call to an outside service.",
    labels: ["service"],
    buckets: SECONDS,
  },
  borde_webchat_messages_total: {
    type: "counter",
    help: "Webchat messages accepted by a live session, by sender role.",
    labels: ["role"],
  },
  borde_webchat_sockets_open: {
    type: "gauge",
    help: "Webchat WebSockets open (visitors and agents), summed over every session object.",
    labels: [],
  },
  borde_audits: {
    type: "gauge",
    help: "Audits by status, read from the database at scrape time.",
    labels: ["status"],
  },
  borde_audits_queued_too_long: {
    type: "gauge",
    help: "Audits still queued more than 5 minutes after they were created (queue backlog), at scrape time.",
    labels: [],
  },
  borde_conversations_open: {
    type: "gauge",
    help: "Open conversations by channel, read from the database at scrape time.",
    labels: ["channel"],
  },
  borde_import_batches: {
    type: "gauge",
    help: "Import batches by state, read from the database at scrape time.",
    labels: ["state"],
  },
  borde_alerts: {
    type: "gauge",
    help: "Alerts of enabled rules by state (pending or firing), as the last evaluation left them, at scrape time.",
    labels: ["state"],
  },
} as const satisfies Record<string, MetricDefinition>;

export type MetricName = keyof typeof METRICS;

type LabelsOf<Name extends MetricName> = (typeof METRICS)[Name]["labels"][number];

/** A series' label values, one for each label its metric declares. */
export type Labels<Name extends MetricName> = { readonly [Label in LabelsOf<Name>]: string };

export type CounterName = {
  [Name in MetricName]: (typeof METRICS)[Name]["type"] extends "histogram" ? never : Name;
}[MetricName];

export type HistogramName = {
  [Name in MetricName]: (typeof METRICS)[Name]["type"] extends "histogram" ? Name : never;
}[MetricName];
