import { describe, expect, it } from "vitest";
import {
  formatTraceparent,
  newSpanId,
  newTraceId,
  parseTraceparent,
  sampledByRatio,
} from "../../../workers/lib/trace-context.ts";

const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
const SPAN_ID = "00f067aa0ba902b7";

describe("traceparent", () => {
  it("reads the trace id, the parent span id and the sampled flag", () => {
    expect(parseTraceparent(`00-${TRACE_ID}-${SPAN_ID}-01`)).toEqual({
      traceId: TRACE_ID,
      spanId: SPAN_ID,
      sampled: true,
    });
    expect(parseTraceparent(`00-${TRACE_ID}-${SPAN_ID}-00`)?.sampled).toBe(false);
    // Only the lowest bit of the flags means sampled; other bits are for later versions.
    expect(parseTraceparent(`00-${TRACE_ID}-${SPAN_ID}-03`)?.sampled).toBe(true);
    expect(parseTraceparent(`00-${TRACE_ID}-${SPAN_ID}-02`)?.sampled).toBe(false);
  });

  it("drops what is not one: absent, upper case, version ff, zero ids, wrong lengths", () => {
    for (const header of [
      undefined,
      "",
      `00-${TRACE_ID.toUpperCase()}-${SPAN_ID}-01`,
      `ff-${TRACE_ID}-${SPAN_ID}-01`,
      `00-${"0".repeat(32)}-${SPAN_ID}-01`,
      `00-${TRACE_ID}-${"0".repeat(16)}-01`,
      `00-${TRACE_ID}1-${SPAN_ID}-01`,
      `00-${TRACE_ID}-${SPAN_ID}-1`,
      `00-${TRACE_ID}-${SPAN_ID}-01-extra`,
    ])
      expect(parseTraceparent(header), String(header)).toBeUndefined();
  });

  it("writes version 00 with the sampled flag, and reads back what it wrote", () => {
    expect(formatTraceparent({ traceId: TRACE_ID, spanId: SPAN_ID, sampled: true })).toBe(
      `00-${TRACE_ID}-${SPAN_ID}-01`,
    );
    expect(formatTraceparent({ traceId: TRACE_ID, spanId: SPAN_ID, sampled: false })).toBe(
      `00-${TRACE_ID}-${SPAN_ID}-00`,
    );
    const context = { traceId: newTraceId(), spanId: newSpanId(), sampled: true };
    expect(context.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(context.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(parseTraceparent(formatTraceparent(context))).toEqual(context);
  });
});

describe("trace id ratio sampling", () => {
  it("keeps none at 0 and all at 1", () => {
    const ids = Array.from({ length: 200 }, newTraceId);
    expect(ids.filter((id) => sampledByRatio(id, 0))).toEqual([]);
    expect(ids.filter((id) => sampledByRatio(id, 1))).toEqual(ids);
  });

  it("decides by the trace id's random part, so every span of a trace decides alike", () => {
    const low = `${"f".repeat(18)}${"0".repeat(13)}1`;
    const high = `${"0".repeat(18)}${"f".repeat(14)}`;
    expect(sampledByRatio(low, 0.01)).toBe(true);
    expect(sampledByRatio(high, 0.99)).toBe(false);
    expect(sampledByRatio(low, 0.5)).toBe(sampledByRatio(low, 0.5));
  });

  it("keeps about the given share of new traces", () => {
    const ids = Array.from({ length: 4000 }, newTraceId);
    const kept = ids.filter((id) => sampledByRatio(id, 0.25)).length / ids.length;
    expect(kept).toBeGreaterThan(0.2);
    expect(kept).toBeLessThan(0.3);
  });
});
