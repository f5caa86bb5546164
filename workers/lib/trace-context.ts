import { hexOf } from "./crypto.ts";

// W3C Trace Context: version-traceid-parentid-flags, lowercase hex. Version ff and all-zero ids are invalid.
const TRACEPARENT = /^(?!ff)[0-9a-f]{2}-(?!0{32})([0-9a-f]{32})-(?!0{16})([0-9a-f]{16})-([0-9a-f]{2})$/;

/** Where a span sits: its trace, its own id, and whether the trace is being recorded (the sampled flag). */
export type SpanContext = { readonly traceId: string; readonly spanId: string; readonly sampled: boolean };

/** The `traceparent` header when it is well formed, else undefined (a malformed one is dropped, per spec). */
export function validTraceparent(header: string | undefined): string | undefined {
  return header !== undefined && TRACEPARENT.test(header) ? header : undefined;
}

/** The context a well-formed `traceparent` names (its flags' lowest bit is "sampled"), else undefined. */
export function parseTraceparent(header: string | undefined): SpanContext | undefined {
  const match = header === undefined ? null : TRACEPARENT.exec(header);
  if (!match) return undefined;
  const [, traceId = "", spanId = "", flags = "00"] = match;
  return { traceId, spanId, sampled: (Number.parseInt(flags, 16) & 1) === 1 };
}

/** The version-00 `traceparent` of a span, to send on with its work. */
export function formatTraceparent(context: SpanContext): string {
  return `00-${context.traceId}-${context.spanId}-${context.sampled ? "01" : "00"}`;
}

function randomHex(bytes: number): string {
  return hexOf(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** A new trace id: 16 random bytes (never all zero in practice; the chance is 2^-128). */
export const newTraceId = (): string => randomHex(16);

/** A new span id: 8 random bytes. */
export const newSpanId = (): string => randomHex(8);

// The rightmost 7 bytes of a trace id are random in every W3C Trace Context level 2 producer.
const RANDOM_HEX_DIGITS = 14;
const RANDOM_RANGE = 2 ** (RANDOM_HEX_DIGITS * 4);

/**
 * The trace-id ratio decision: a trace is kept when its random part falls below `ratio` of its range, so
 * every service that sees the same trace id with the same ratio decides alike. 0 keeps none, 1 keeps all.
 */
export function sampledByRatio(traceId: string, ratio: number): boolean {
  if (ratio >= 1) return true;
  if (ratio <= 0) return false;
  return Number.parseInt(traceId.slice(-RANDOM_HEX_DIGITS), 16) < ratio * RANDOM_RANGE;
}
