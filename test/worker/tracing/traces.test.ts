import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, inject, it, vi } from "vitest";
import worker from "../../../workers/index.ts";
import { newSpanId, newTraceId } from "../../../workers/lib/trace-context.ts";
import type { ReceivedSpan } from "../../support/received-span.ts";
import { createProject, waitForAudit } from "../audits/support.ts";
import { BASE, callAs, postJson, randomIp, registerTenant, type TestAccount } from "../support/identity.ts";

// OTLP's SpanKind values.
const SERVER = 2;
const CLIENT = 3;
const PRODUCER = 4;
const CONSUMER = 5;

/** A sampled traceparent from a caller of ours, with a fresh trace id so tests never share a trace. */
function callerContext() {
  const traceId = newTraceId();
  const spanId = newSpanId();
  return { traceId, spanId, traceparent: `00-${traceId}-${spanId}-01` };
}

async function receivedSpans(): Promise<ReceivedSpan[]> {
  const response = await fetch(`${inject("otlpEndpoint")}/__spans`);
  return response.json<ReceivedSpan[]>();
}

/** Polls the receiver until `ready` holds for the spans of the trace (exports run in waitUntil). */
async function spansOfTrace(traceId: string, ready: (spans: ReceivedSpan[]) => boolean, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const spans = (await receivedSpans()).filter((span) => span.traceId === traceId);
    if (ready(spans)) return spans;
    if (Date.now() > deadline)
      throw new Error(`trace ${traceId} incomplete: ${JSON.stringify(spans.map((s) => s.name))}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Calls the Worker and waits for its waitUntil work (the export among it), with the given bindings. */
async function callAndSettle(path: string, headers: Record<string, string>, bindings = env) {
  const ctx = createExecutionContext();
  const request = new Request(`${BASE}${path}`, { headers: { "cf-connecting-ip": randomIp(), ...headers } });
  const response = await worker.fetch(request, bindings, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

function ancestors(span: ReceivedSpan, spans: ReceivedSpan[]): ReceivedSpan[] {
  const byId = new Map(spans.map((each) => [each.spanId, each]));
  const chain: ReceivedSpan[] = [];
  for (let parent = byId.get(span.parentSpanId ?? ""); parent; parent = byId.get(parent.parentSpanId ?? ""))
    chain.push(parent);
  return chain;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("request traces", () => {
  it("continue an incoming traceparent: same trace, its span as the parent, the request id and route on the span", async () => {
    const caller = callerContext();
    const lines: Record<string, unknown>[] = [];
    vi.spyOn(console, "log").mockImplementation((line: unknown) => {
      if (typeof line === "string" && line.startsWith('{"level":')) lines.push(JSON.parse(line));
    });
    const response = await callAndSettle("/health", { traceparent: caller.traceparent });
    expect(response.status).toBe(200);
    const [span] = await spansOfTrace(caller.traceId, (spans) => spans.length > 0);
    expect(span).toMatchObject({
      name: "GET /health",
      kind: SERVER,
      parentSpanId: caller.spanId,
      service: "borde",
      attributes: {
        "http.request.method": "GET",
        "http.route": "/health",
        "http.response.status_code": 200,
        "url.path": "/health",
        "borde.request_id": response.headers.get("x-request-id"),
      },
    });
    expect(span?.spanId).not.toBe(caller.spanId);
    expect(BigInt(span?.endTimeUnixNano ?? 0)).toBeGreaterThanOrEqual(BigInt(span?.startTimeUnixNano ?? 0));
    // The export carries OTEL_EXPORTER_OTLP_HEADERS, URL-decoded.
    expect(span?.headers).toMatchObject({
      authorization: "Bearer otlp-test-token",
      "x-tenant": "borde-tests",
    });
    // And the request's log line names the trace.
    const requestLine = lines.find((line) => line.msg === "request" && line.path === "/health");
    expect(requestLine).toMatchObject({
      request_id: response.headers.get("x-request-id"),
      trace_id: caller.traceId,
    });
  });

  it("show the Durable Object calls a request makes as its client spans", async () => {
    const caller = callerContext();
    // A password attempt is counted by the credentials bucket's RateLimiter object, one call per attempt.
    const response = await postJson(
      "/api/v1/auth/login",
      { email: `nobody-${crypto.randomUUID()}@borde.test`, password: "not-the-password" },
      { traceparent: caller.traceparent },
    );
    expect(response.status).toBe(401);
    const spans = await spansOfTrace(caller.traceId, (received) =>
      received.some((span) => span.kind === SERVER),
    );
    const request = spans.find((span) => span.kind === SERVER);
    expect(request).toMatchObject({ name: "POST /api/v1/auth/login", parentSpanId: caller.spanId });
    const call = spans.find((span) => span.name === "RateLimiter.consume");
    expect(call).toMatchObject({
      kind: CLIENT,
      parentSpanId: request?.spanId,
      attributes: { "rpc.service": "RateLimiter", "rpc.method": "consume" },
    });
    // It succeeded: a limiter that failed would leave an error status (and the request would fail open).
    expect(call?.status?.code ?? 0).toBe(0);
  });

  it("export nothing at sampling ratio 0 for a new trace or an unsampled parent, and start a new trace at ratio 1", async () => {
    const requestIds: string[] = [];
    const unsampled = `00-${newTraceId()}-${newSpanId()}-00`;
    for (const headers of [{}, { traceparent: unsampled }] as Record<string, string>[]) {
      const response = await callAndSettle("/health", headers);
      requestIds.push(response.headers.get("x-request-id") ?? "");
    }
    const everyOne = await callAndSettle("/health", {}, { ...env, OTEL_TRACES_SAMPLER_ARG: "1" });
    const everyOneId = everyOne.headers.get("x-request-id");
    const spans = await receivedSpans();
    const sampledSpan = spans.find((span) => span.attributes["borde.request_id"] === everyOneId);
    expect(sampledSpan).toMatchObject({ name: "GET /health", kind: SERVER });
    expect(sampledSpan?.parentSpanId ?? "").toBe("");
    expect(spans.filter((span) => requestIds.includes(String(span.attributes["borde.request_id"])))).toEqual(
      [],
    );
    expect(spans.filter((span) => span.traceId === unsampled.slice(3, 35))).toEqual([]);
  });
});

describe("an audit's trace", () => {
  let owner: TestAccount;
  beforeAll(async () => {
    owner = await registerTenant();
  });

  it("follows one audit from the request through the queue to its crawl fetches and database writes", async () => {
    const projectId = await createProject(owner, { site_url: inject("cleanSiteUrl") });
    const caller = callerContext();
    const response = await callAs(
      owner,
      "POST",
      "/api/v1/audits",
      { project_id: projectId },
      { traceparent: caller.traceparent },
    );
    expect(response.status, await response.clone().text()).toBe(202);
    const audit = await response.json<{ id: string }>();
    expect((await waitForAudit(owner, audit.id)).status).toBe("completed");

    const spans = await spansOfTrace(caller.traceId, (received) =>
      received.some((span) => span.kind === CONSUMER && span.name === "audit.run"),
    );
    const request = spans.find((span) => span.kind === SERVER && span.name === "POST /api/v1/audits");
    expect(request).toMatchObject({ parentSpanId: caller.spanId });
    const send = spans.find((span) => span.kind === PRODUCER);
    expect(send).toMatchObject({
      name: "send audit.run",
      parentSpanId: request?.spanId,
      attributes: { "messaging.destination.name": "LONG_JOBS", "messaging.batch.message_count": 1 },
    });
    const run = spans.find((span) => span.kind === CONSUMER);
    expect(run).toMatchObject({
      name: "audit.run",
      parentSpanId: send?.spanId,
      attributes: {
        "borde.request_id": response.headers.get("x-request-id"),
        "borde.job_outcome": "succeeded",
      },
    });
    if (!run) throw new Error("no job span");
    const inRun = (span: ReceivedSpan) =>
      ancestors(span, spans).some((parent) => parent.spanId === run.spanId);

    // The request's own database round trips are its children.
    expect(
      spans.some(
        (span) => span.attributes["db.system.name"] === "postgresql" && span.parentSpanId === request?.spanId,
      ),
    ).toBe(true);
    // The crawl fetched the site's pages inside the run.
    const crawled = spans.filter(
      (span) => span.kind === CLIENT && span.attributes["borde.service"] === "audited_site",
    );
    expect(crawled.length).toBeGreaterThan(0);
    expect(crawled.every(inRun)).toBe(true);
    expect(crawled.map((span) => span.attributes["url.full"])).toContain(
      new URL("/", inject("cleanSiteUrl")).href,
    );
    // And wrote what it found: database writes in the run.
    const writes = spans.filter(
      (span) => inRun(span) && ["INSERT", "UPDATE"].includes(String(span.attributes["db.operation.name"])),
    );
    expect(writes.length).toBeGreaterThan(0);
    expect(writes.map((span) => String(span.attributes["db.query.text"])).join("\n")).toMatch(/audit/);
  }, 40_000);
});
