import { describe, expect, it } from "vitest";
import { parseOtlpHeaders, tracesEndpoint } from "../../../workers/config/otlp-settings.ts";
import { type FinishedSpan, otlpTraceRequest } from "../../../workers/observability/otlp-traces.ts";

describe("OTEL_EXPORTER_OTLP_HEADERS", () => {
  it("reads comma-separated key=value pairs, URL-decoding the values and trimming blanks", () => {
    expect(parseOtlpHeaders("api-key=abc123, Authorization = Basic%20dXNlcjpwdw%3D%3D ,x-scope=a=b")).toEqual(
      {
        headers: { "api-key": "abc123", authorization: "Basic dXNlcjpwdw==", "x-scope": "a=b" },
      },
    );
  });

  it("is empty for an empty setting, and skips empty pairs", () => {
    expect(parseOtlpHeaders("")).toEqual({ headers: {} });
    expect(parseOtlpHeaders("a=1,,b=2,")).toEqual({ headers: { a: "1", b: "2" } });
    expect(parseOtlpHeaders("empty=")).toEqual({ headers: { empty: "" } });
  });

  it("refuses a pair without =, a key that is no header name, or a value that does not decode, naming its position only", () => {
    const refusals = ["a=1,secret-token", "=secret", "bad key=secret", "authorization=Bearer%zzsecret"].map(
      parseOtlpHeaders,
    );
    expect(refusals).toEqual([
      { error: "entry 2 is not a key=value pair whose key is a header name" },
      { error: "entry 1 is not a key=value pair whose key is a header name" },
      { error: "entry 1 is not a key=value pair whose key is a header name" },
      { error: "the value of entry 1 is not URL-encoded text" },
    ]);
    expect(JSON.stringify(refusals)).not.toContain("secret");
  });
});

describe("traces endpoint", () => {
  it("puts v1/traces under the base endpoint, with or without its trailing slash", () => {
    expect(tracesEndpoint("http://collector:4318", undefined)).toBe("http://collector:4318/v1/traces");
    expect(tracesEndpoint("http://collector:4318/", undefined)).toBe("http://collector:4318/v1/traces");
    expect(tracesEndpoint("https://otlp.example.com/otlp", undefined)).toBe(
      "https://otlp.example.com/otlp/v1/traces",
    );
  });

  it("takes the traces endpoint as it is, and is off with neither", () => {
    expect(tracesEndpoint("http://collector:4318", "http://traces:4318/custom")).toBe(
      "http://traces:4318/custom",
    );
    expect(tracesEndpoint(undefined, undefined)).toBeUndefined();
  });
});

describe("OTLP/JSON trace request", () => {
  it("writes hex ids, integer kinds and status codes, nanosecond strings and typed attributes", () => {
    const span: FinishedSpan = {
      traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
      spanId: "00f067aa0ba902b7",
      parentSpanId: "1111111111111111",
      name: "GET /health",
      kind: "server",
      startMs: 1_764_600_000_000,
      endMs: 1_764_600_000_012,
      attributes: { "http.route": "/health", "http.response.status_code": 500, ok: false, ratio: 0.5 },
      error: "HTTP 500",
    };
    expect(otlpTraceRequest("borde", [span])).toEqual({
      resourceSpans: [
        {
          resource: { attributes: [{ key: "service.name", value: { stringValue: "borde" } }] },
          scopeSpans: [
            {
              scope: { name: "borde" },
              spans: [
                {
                  traceId: span.traceId,
                  spanId: span.spanId,
                  parentSpanId: "1111111111111111",
                  name: "GET /health",
                  kind: 2,
                  startTimeUnixNano: "1764600000000000000",
                  endTimeUnixNano: "1764600000012000000",
                  attributes: [
                    { key: "http.route", value: { stringValue: "/health" } },
                    { key: "http.response.status_code", value: { intValue: "500" } },
                    { key: "ok", value: { boolValue: false } },
                    { key: "ratio", value: { doubleValue: 0.5 } },
                  ],
                  status: { code: 2, message: "HTTP 500" },
                },
              ],
            },
          ],
        },
      ],
    });
  });
});
