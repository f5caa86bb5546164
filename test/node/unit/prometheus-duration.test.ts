import { describe, expect, it } from "vitest";
import { durationSeconds } from "../../../workers/telemetry/prometheus-duration.ts";

describe("a query step as Prometheus's API takes it", () => {
  it("reads plain seconds and Prometheus durations", () => {
    expect(durationSeconds("90")).toBe(90);
    expect(durationSeconds("60s")).toBe(60);
    expect(durationSeconds("5m")).toBe(300);
    expect(durationSeconds("1h30m")).toBe(5400);
    expect(durationSeconds("1d")).toBe(86_400);
    expect(durationSeconds("1w")).toBe(604_800);
  });

  it("refuses empty text, fractions, unknown units and units out of order", () => {
    for (const text of ["", "1.5", "5x", "m", "30m1h", "-5", "5 m"])
      expect(durationSeconds(text), text).toBeNull();
  });
});
