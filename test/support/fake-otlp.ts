// A local OTLP/HTTP receiver for traces: it takes ExportTraceServiceRequest bodies in OTLP/JSON on
// POST /v1/traces, as a collector does, and answers with an empty ExportTraceServiceResponse. Anything
// that is not JSON with resourceSpans gets a 400, as a collector refuses it. `GET /__spans` lists every
// span received, flattened, with the service name and the headers its export came with.
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { OtlpJsonSpan, OtlpJsonValue, ReceivedSpan } from "./received-span.ts";

type ExportRequest = {
  resourceSpans?: {
    resource?: { attributes?: { key: string; value: OtlpJsonValue }[] };
    scopeSpans?: { spans?: OtlpJsonSpan[] }[];
  }[];
};

export type FakeOtlp = { endpoint: string; spans: ReceivedSpan[]; close: () => Promise<void> };

const plainValue = (value: OtlpJsonValue) =>
  value.stringValue ??
  (value.intValue === undefined ? undefined : Number(value.intValue)) ??
  value.boolValue ??
  value.doubleValue;

function sendJson(response: ServerResponse, status: number, body: unknown) {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(body));
}

export async function startFakeOtlp(port = 0): Promise<FakeOtlp> {
  const spans: ReceivedSpan[] = [];
  const server = createServer(async (request, response) => {
    const path = new URL(request.url ?? "/", "http://fake").pathname;
    if (request.method === "GET" && path === "/__spans") return sendJson(response, 200, spans.slice(-5000));
    if (request.method !== "POST" || path !== "/v1/traces") return sendJson(response, 404, {});
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    let body: ExportRequest;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as ExportRequest;
    } catch {
      return sendJson(response, 400, { code: 3, message: "body is not JSON" });
    }
    if (
      !request.headers["content-type"]?.startsWith("application/json") ||
      !Array.isArray(body.resourceSpans)
    )
      return sendJson(response, 400, { code: 3, message: "not an OTLP/JSON ExportTraceServiceRequest" });
    for (const resource of body.resourceSpans) {
      const service = resource.resource?.attributes?.find((attribute) => attribute.key === "service.name");
      for (const scope of resource.scopeSpans ?? [])
        for (const { attributes, ...span } of scope.spans ?? [])
          spans.push({
            ...span,
            service: service ? String(plainValue(service.value)) : undefined,
            attributes: Object.fromEntries(
              (attributes ?? []).map(({ key, value }) => [key, plainValue(value)]),
            ),
            headers: request.headers,
          });
    }
    return sendJson(response, 200, {});
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${bound}`,
    spans,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
