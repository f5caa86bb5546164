import {
  createExecutionContext,
  createMessageBatch,
  env,
  getQueueResult,
  waitOnExecutionContext,
} from "cloudflare:test";
import { DrizzleQueryError } from "drizzle-orm/errors";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import worker from "../../workers/index.ts";
import { errorFields } from "../../workers/lib/log.ts";
import { validTraceparent } from "../../workers/lib/trace-context.ts";
import { BASE, randomIp, registerTenant, type TestAccount } from "./support/identity.ts";

const TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

type LogLine = { level: string; msg: string } & Record<string, unknown>;

/** The structured lines the Worker writes from now until the test ends (they are not printed). */
function captureLogs(): LogLine[] {
  const lines: LogLine[] = [];
  const capture = (line: unknown) => {
    if (typeof line === "string" && line.startsWith('{"level":')) lines.push(JSON.parse(line));
  };
  for (const method of ["log", "warn", "error"] as const)
    vi.spyOn(console, method).mockImplementation(capture);
  return lines;
}

afterEach(() => {
  vi.restoreAllMocks();
});

async function fetchAs(account: TestAccount, path: string, headers: Record<string, string> = {}) {
  const ctx = createExecutionContext();
  const request = new Request(`${BASE}${path}`, {
    headers: { authorization: `Bearer ${account.accessToken}`, "cf-connecting-ip": randomIp(), ...headers },
  });
  const response = await worker.fetch(request, env, ctx);
  // The database session closes after the response: its lines belong to the request too.
  await waitOnExecutionContext(ctx);
  return response;
}

describe("request logs", () => {
  let owner: TestAccount;
  beforeAll(async () => {
    owner = await registerTenant();
  });

  it("write one line per request with its request id, tenant and trace context, and no warning", async () => {
    const lines = captureLogs();
    const response = await fetchAs(owner, "/api/v1/projects", { traceparent: TRACEPARENT });
    expect(response.status).toBe(200);
    const requestLines = lines.filter((line) => line.msg === "request");
    expect(requestLines).toHaveLength(1);
    expect(requestLines[0]).toMatchObject({
      level: "info",
      request_id: response.headers.get("x-request-id"),
      tenant_id: owner.tenantId,
      traceparent: TRACEPARENT,
      status: 200,
    });
    // The pool the request opened was closed by us, which is no connection lost. Its socket reports the
    // close a moment after the pool has ended.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(lines.filter((line) => line.level !== "info")).toEqual([]);
  });

  it("name the route template, never only the raw path, and count the database round trips", async () => {
    const lines = captureLogs();
    const id = crypto.randomUUID();
    const response = await fetchAs(owner, `/api/v1/projects/${id}`);
    expect(response.status).toBe(404);
    const [line] = lines.filter((entry) => entry.msg === "request");
    expect(line).toMatchObject({
      route: "/api/v1/projects/:id",
      path: `/api/v1/projects/${id}`,
      status: 404,
    });
    expect(line?.db_round_trips).toBeGreaterThanOrEqual(1);
    expect(typeof line?.duration_ms).toBe("number");
  });

  it("honour LOG_LEVEL: at warn, a request that went well writes nothing", async () => {
    const lines = captureLogs();
    const ctx = createExecutionContext();
    const response = await worker.fetch(new Request(`${BASE}/health`), { ...env, LOG_LEVEL: "warn" }, ctx);
    await waitOnExecutionContext(ctx);
    expect(response.status).toBe(200);
    expect(lines).toEqual([]);
    // The default env is at info again for the next request.
    await fetchAs(owner, "/api/v1/projects");
    expect(lines.filter((line) => line.msg === "request")).toHaveLength(1);
  });

  it("leave a malformed traceparent out", async () => {
    const lines = captureLogs();
    await fetchAs(owner, "/api/v1/projects", { traceparent: "00-not-a-trace-01" });
    const [line] = lines.filter((entry) => entry.msg === "request");
    expect(line).toBeDefined();
    expect(line).not.toHaveProperty("traceparent");
  });
});

describe("job logs", () => {
  it("name the job, the ids of its payload and the request that enqueued it", async () => {
    const lines = captureLogs();
    const unreachable = { ...env, DATABASE_URL: "postgres://postgres:postgres@127.0.0.1:1/postgres" };
    const runId = crypto.randomUUID();
    const batch = createMessageBatch("borde-jobs", [
      {
        id: "traced",
        timestamp: new Date(),
        attempts: 1,
        body: {
          type: "scheduler.tick",
          run_id: runId,
          context: { request_id: "request-that-enqueued", traceparent: TRACEPARENT },
        },
      },
    ]);
    await worker.queue(batch, unreachable);
    const result = await getQueueResult(batch, createExecutionContext());
    expect(result.retryMessages.map((message) => message.msgId)).toEqual(["traced"]);
    const failed = lines.find((line) => line.msg === "job failed, will retry");
    expect(failed).toMatchObject({
      level: "warn",
      job_id: "traced",
      job_type: "scheduler.tick",
      run_id: runId,
      request_id: "request-that-enqueued",
      traceparent: TRACEPARENT,
    });
  });
});

describe("job run logs", () => {
  it("write one line per job with its id, type, outcome and duration", async () => {
    const lines = captureLogs();
    const batch = createMessageBatch("borde-jobs", [
      {
        id: "ticked",
        timestamp: new Date(),
        attempts: 1,
        body: { type: "scheduler.tick", run_id: crypto.randomUUID(), context: { request_id: "cron-run" } },
      },
    ]);
    await worker.queue(batch, env);
    const jobLines = lines.filter((line) => line.msg === "job");
    expect(jobLines).toHaveLength(1);
    expect(jobLines[0]).toMatchObject({
      level: "info",
      job_id: "ticked",
      job_type: "scheduler.tick",
      request_id: "cron-run",
      outcome: "succeeded",
    });
    expect(typeof jobLines[0]?.duration_ms).toBe("number");
  });
});

describe("error fields", () => {
  it("keep the cause chain's codes and constraint but not a failed query's parameters", () => {
    const pgError = Object.assign(new Error('duplicate key value violates unique constraint "x_key"'), {
      code: "23505",
      constraint: "x_key",
      detail: "Key (token_hash)=(secret-hash) already exists.",
    });
    const failed = new DrizzleQueryError("insert into x (token_hash) values ($1)", ["secret-hash"], pgError);
    const fields = errorFields(new Error("could not store the token", { cause: failed }));
    expect(fields).toMatchObject({
      error: "could not store the token",
      error_name: "Error",
      causes: [
        { message: "Failed query: insert into x (token_hash) values ($1)" },
        {
          message: 'duplicate key value violates unique constraint "x_key"',
          code: "23505",
          constraint: "x_key",
        },
      ],
    });
    expect(JSON.stringify(fields)).not.toContain("secret-hash");
  });

  it("describe what is thrown that is not an Error", () => {
    expect(errorFields("plain")).toEqual({ error: "plain" });
  });
});

describe("traceparent", () => {
  it("accepts the W3C format and refuses anything else", () => {
    expect(validTraceparent(TRACEPARENT)).toBe(TRACEPARENT);
    expect(validTraceparent(undefined)).toBeUndefined();
    expect(validTraceparent(TRACEPARENT.toUpperCase())).toBeUndefined();
    expect(validTraceparent("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")).toBeUndefined();
    expect(validTraceparent("00-00000000000000000000000000000000-00f067aa0ba902b7-01")).toBeUndefined();
    expect(validTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01")).toBeUndefined();
  });
});
