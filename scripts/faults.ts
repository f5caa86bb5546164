// `npm run faults`: the Worker under wrangler dev with its database behind a proxy that fails on demand
// (scripts/lib/fault-proxy.ts), driven from this process. Three phases, each reported:
//   load:   100 connections for 60 s on the authenticated read (GET /api/v1/projects): 5xx other than 503;
//   freeze: mixed load while the database hangs for 30 s: every answer within the deadline, 503s with
//           Retry-After, and no project whose create was not acknowledged committed afterwards;
//   kill:   mixed load while the database is down for 10 s: no answer that is not JSON or a problem document.
// The mix goes through a transaction read, a one-round-trip read, a one-round-trip write and the webchat
// Durable Object (a visitor's message is stored by the object). DATABASE_URL=postgres://… runs it against a
// PostgreSQL server instead of the embedded database. Not part of `npm test`; exits 1 when a check fails.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { okJson } from "./lib/bench-tenant.ts";
import { buildDocsAssets } from "./lib/docs-assets.ts";
import { startFaultProxy } from "./lib/fault-proxy.ts";
import { startLocalDatabase, startWranglerDev } from "./lib/local-stack.ts";
import { withClient } from "./lib/migrate.ts";
import { DEMO, seedDemo } from "./lib/seed.ts";
import { newSigningKey } from "./lib/signing-keys.ts";

const port = Number(process.env.FAULTS_PORT ?? 8798);
const loadSeconds = Number(process.env.FAULTS_LOAD_SECONDS ?? 60);
const loadConnections = Number(process.env.FAULTS_LOAD_CONNECTIONS ?? 100);
const freezeSeconds = Number(process.env.FAULTS_FREEZE_SECONDS ?? 30);
const killSeconds = Number(process.env.FAULTS_KILL_SECONDS ?? 10);
const mixConnections = 20;
const deadlineMs = 5000; // DATABASE_TIMEOUT_MS's default, which the Worker keeps here
// A read is tried twice, each try within the deadline; the rest is the Worker's own time on a busy machine.
const answerBoundMs = 2 * deadlineMs + 2000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Answer = {
  kind: string;
  status: number;
  problem: boolean;
  json: boolean;
  retryAfter: boolean;
  /** The problem type's name, for an error answer. */
  problemType?: string;
  ms: number;
  projectName?: string;
};

buildDocsAssets();
const database = await startLocalDatabase({ databaseUrl: process.env.DATABASE_URL });
const direct = new URL(database.databaseUrl);
const proxy = await startFaultProxy({ host: direct.hostname, port: Number(direct.port) });
const proxied = new URL(direct);
proxied.port = String(proxy.port);
await seedDemo(database.databaseUrl, [`http://127.0.0.1:${port}`]);
const worker = await startWranglerDev({
  port,
  quiet: true,
  persistTo: mkdtempSync(join(tmpdir(), "borde-faults-")),
  vars: {
    ENVIRONMENT: "development",
    DATABASE_URL: proxied.toString(),
    LOCAL_DB_RELAY: database.relayAddress,
    JWT_SIGNING_KEYS: JSON.stringify([await newSigningKey()]),
    // Faults are the subject, not the limiter's refusals.
    RATE_LIMIT_SCALE: "100000",
  },
});

const origin = `http://127.0.0.1:${port}`;
const login = await okJson<{ access_token: string }>(
  await fetch(`${worker.url}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: DEMO.email, password: DEMO.password }),
  }),
);
const bearer = { authorization: `Bearer ${login.access_token}` };
const widget = `${worker.url}/api/v1/webchat`;
/** A visitor of the demo widget, each loop its own, so the per-conversation message limit is not the subject. */
async function newVisitor(): Promise<string> {
  const session = await okJson<{ visitor_token: string }>(
    await fetch(`${widget}/sessions?key=${DEMO.widgetKey}`, {
      method: "POST",
      headers: { "content-type": "application/json", origin },
      body: "{}",
    }),
  );
  return session.visitor_token;
}

const visitors: string[] = [];
for (let loop = 0; loop < mixConnections; loop++) visitors.push(await newVisitor());

let sequence = 0;
/** One request of the mix, in turn: what it asked, how it was answered and how long it took. */
async function mixedRequest(visitorToken: string): Promise<Answer> {
  const n = sequence++;
  const kinds = ["transaction read", "one-trip read", "one-trip write", "durable object write"] as const;
  const kind = kinds[n % kinds.length] ?? "transaction read";
  const projectName = `faults ${process.pid} ${n}`;
  const request: Record<(typeof kinds)[number], () => Promise<Response>> = {
    "transaction read": () => fetch(`${worker.url}/api/v1/projects?limit=5`, { headers: bearer }),
    "one-trip read": () => fetch(`${worker.url}/api/v1/tenants/current`, { headers: bearer }),
    "one-trip write": () =>
      fetch(`${worker.url}/api/v1/projects`, {
        method: "POST",
        headers: { ...bearer, "content-type": "application/json" },
        body: JSON.stringify({ name: projectName, site_url: "https://example.com/" }),
      }),
    "durable object write": () =>
      fetch(`${widget}/messages?key=${DEMO.widgetKey}`, {
        method: "POST",
        headers: { "content-type": "application/json", origin, "x-visitor-token": visitorToken },
        body: JSON.stringify({ client_message_id: crypto.randomUUID(), text: `faults ${n}` }),
      }),
  };
  const started = performance.now();
  try {
    const response = await request[kind]();
    const body = await response.text();
    const type = response.headers.get("content-type") ?? "";
    const problemType = type.startsWith("application/problem+json")
      ? String((JSON.parse(body) as { type?: string }).type)
          .split("/")
          .pop()
      : undefined;
    return {
      kind,
      status: response.status,
      problem: type.startsWith("application/problem+json"),
      json: type.startsWith("application/json"),
      retryAfter: Number(response.headers.get("retry-after")) > 0,
      problemType,
      ms: performance.now() - started,
      ...(kind === "one-trip write" ? { projectName } : {}),
    };
  } catch {
    // No answer at all (the connection to wrangler dev failed): counted as status 0.
    const ms = performance.now() - started;
    return { kind, status: 0, problem: false, json: false, retryAfter: false, ms, projectName };
  }
}

/** Runs the mix on `mixConnections` loops while `during` plays out. */
async function underMixedLoad(during: () => Promise<void>): Promise<Answer[]> {
  const answers: Answer[] = [];
  let running = true;
  const loops = visitors.map(async (visitorToken) => {
    while (running) answers.push(await mixedRequest(visitorToken));
  });
  await during();
  running = false;
  await Promise.all(loops);
  return answers;
}

function summarise(answers: Answer[]) {
  const statuses: Record<string, Record<string, number>> = {};
  for (const { kind, status, problemType } of answers) {
    const ofKind = statuses[kind] ?? {};
    statuses[kind] = ofKind;
    const key = problemType ? `${status} ${problemType}` : String(status);
    ofKind[key] = (ofKind[key] ?? 0) + 1;
  }
  const unavailable = answers.filter((answer) => answer.status === 503);
  const sorted = answers.map((answer) => answer.ms).sort((a, b) => a - b);
  return {
    requests: answers.length,
    statuses,
    server_errors_other_than_503: answers.filter((answer) => answer.status >= 500 && answer.status !== 503)
      .length,
    no_answer: answers.filter((answer) => answer.status === 0).length,
    not_json_or_problem: answers.filter((answer) => answer.status !== 0 && !answer.json && !answer.problem)
      .length,
    "503_without_retry_after_or_problem": unavailable.filter(
      (answer) => !answer.retryAfter || !answer.problem,
    ).length,
    max_ms: Math.round(sorted.at(-1) ?? 0),
    p99_ms: Math.round(sorted[Math.floor(sorted.length * 0.99)] ?? 0),
    over_bound: answers.filter((answer) => answer.ms > answerBoundMs).length,
  };
}

/** Projects whose create was not acknowledged with 201 but which exist now: committed behind the client's back. */
async function lateCommits(answers: Answer[]): Promise<number> {
  const unacknowledged = answers
    .filter((answer) => answer.projectName !== undefined && answer.status !== 201)
    .map((answer) => answer.projectName);
  if (unacknowledged.length === 0) return 0;
  return withClient(database.databaseUrl, async (client) => {
    const { rows } = await client.query("select count(*)::int as n from projects where name = any($1)", [
      unacknowledged,
    ]);
    return (rows[0] as { n: number }).n;
  });
}

const report: Record<string, unknown> = {
  database: database.embedded ? "embedded PGlite" : "PostgreSQL server (DATABASE_URL)",
  deadline_ms: deadlineMs,
  answer_bound_ms: answerBoundMs,
};
let failed = false;
try {
  const load = await autocannon({
    url: `${worker.url}/api/v1/projects?limit=5`,
    connections: loadConnections,
    duration: loadSeconds,
    headers: bearer,
  });
  const statuses = Object.fromEntries(
    Object.entries(load.statusCodeStats ?? {}).map(([status, { count = 0 }]) => [status, count]),
  );
  const serverErrors = Object.entries(statuses)
    .filter(([status]) => Number(status) >= 500 && status !== "503")
    .reduce((sum, [, count]) => sum + count, 0);
  report.load = {
    route: "GET /api/v1/projects (Bearer JWT, a read in a transaction under RLS)",
    connections: loadConnections,
    seconds: loadSeconds,
    requests: load.requests.total,
    statuses,
    server_errors_other_than_503: serverErrors,
    connection_errors: load.errors,
    p50_ms: load.latency.p50,
    p99_ms: load.latency.p99,
  };
  failed ||= serverErrors > 0;

  const frozen = await underMixedLoad(async () => {
    await sleep(5000);
    proxy.freeze();
    await sleep(freezeSeconds * 1000);
    proxy.thaw();
    await sleep(10_000);
  });
  await sleep(5000); // whatever the frozen server still had to do, it has done now
  const freeze = { seconds: freezeSeconds, ...summarise(frozen), late_commits: await lateCommits(frozen) };
  report.freeze = freeze;
  failed ||=
    freeze.server_errors_other_than_503 +
      freeze.not_json_or_problem +
      freeze.late_commits +
      freeze.over_bound >
      0 || freeze["503_without_retry_after_or_problem"] > 0;

  const killed = await underMixedLoad(async () => {
    await sleep(5000);
    proxy.kill();
    await sleep(killSeconds * 1000);
    proxy.revive();
    await sleep(10_000);
  });
  const kill = { seconds: killSeconds, ...summarise(killed) };
  report.kill = kill;
  failed ||=
    kill.server_errors_other_than_503 +
      kill.not_json_or_problem +
      kill["503_without_retry_after_or_problem"] >
    0;
} finally {
  await worker.stop();
  await proxy.close();
  await database.stop();
}
console.log(JSON.stringify(report, null, 2));
console.log(failed ? "FAILED: see the counts above" : "passed");
process.exit(failed ? 1 : 0);
