import type { TracingSettings } from "../config/config.ts";

export type SpanKind = "internal" | "server" | "client" | "producer" | "consumer";
export type AttributeValue = string | number | boolean;

/** A span once it ended: what the exporter sends. Times are Unix epoch milliseconds. */
export type FinishedSpan = {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  kind: SpanKind;
  startMs: number;
  endMs: number;
  attributes: Record<string, AttributeValue>;
  /** Why the span failed, when it did (status ERROR); else its status is left unset. */
  error: string | undefined;
};

// OTLP's SpanKind and StatusCode enums, which its JSON encoding writes as integers.
const KIND = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 } as const;
const STATUS_ERROR = 2;

function attributeValue(value: AttributeValue) {
  if (typeof value === "string") return { stringValue: value };
  if (typeof value === "boolean") return { boolValue: value };
  // 64-bit integers are strings in OTLP/JSON.
  return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
}

const attributeList = (attributes: Record<string, AttributeValue>) =>
  Object.entries(attributes).map(([key, value]) => ({ key, value: attributeValue(value) }));

// Milliseconds to the nanosecond strings OTLP/JSON carries (an integer past 2^53, so never a JSON number).
const nanos = (ms: number) => `${Math.round(ms * 1000)}000`;

/**
 * An OTLP/JSON ExportTraceServiceRequest (opentelemetry-proto's JSON mapping: ids as lowercase hex, enums
 * as integers, 64-bit integers as strings) holding `spans` of one service.
 */
export function otlpTraceRequest(serviceName: string, spans: readonly FinishedSpan[]) {
  return {
    resourceSpans: [
      {
        resource: { attributes: attributeList({ "service.name": serviceName }) },
        scopeSpans: [
          {
            scope: { name: "borde" },
            spans: spans.map((span) => ({
              traceId: span.traceId,
              spanId: span.spanId,
              ...(span.parentSpanId ? { parentSpanId: span.parentSpanId } : {}),
              name: span.name,
              kind: KIND[span.kind],
              startTimeUnixNano: nanos(span.startMs),
              endTimeUnixNano: nanos(span.endMs),
              attributes: attributeList(span.attributes),
              status: span.error === undefined ? {} : { code: STATUS_ERROR, message: span.error },
            })),
          },
        ],
      },
    ],
  };
}

/** Posts spans to the collector; a refusal is an error naming its status (the caller logs it). */
export async function postSpans(settings: TracingSettings, spans: readonly FinishedSpan[]): Promise<void> {
  const response = await fetch(settings.endpoint, {
    method: "POST",
    headers: { ...settings.headers, "content-type": "application/json" },
    body: JSON.stringify(otlpTraceRequest(settings.serviceName, spans)),
  });
  await response.body?.cancel();
  if (!response.ok) throw new Error(`the OTLP endpoint answered ${response.status}`);
}
