import { describe, expect, it } from "vitest";
import { renderExposition } from "../../../workers/metrics/exposition.ts";
import { MetricsRecorder } from "../../../workers/observability/recorder.ts";
import { addSamples } from "../../../workers/observability/series.ts";

describe("metrics exposition", () => {
  it("writes cumulative histogram buckets up to +Inf, with the sum and count", () => {
    const recorder = new MetricsRecorder();
    for (const trips of [0, 1, 1, 5, 40])
      recorder.observe("borde_http_request_database_round_trips", { route: "/ready" }, trips);
    const text = renderExposition(recorder.take(), "prometheus");
    const series = text
      .split("\n")
      .filter((line) => line.startsWith("borde_http_request_database_round_trips"));
    expect(series).toEqual([
      'borde_http_request_database_round_trips_bucket{route="/ready",le="0.0"} 1',
      'borde_http_request_database_round_trips_bucket{route="/ready",le="1.0"} 3',
      'borde_http_request_database_round_trips_bucket{route="/ready",le="2.0"} 3',
      'borde_http_request_database_round_trips_bucket{route="/ready",le="3.0"} 3',
      'borde_http_request_database_round_trips_bucket{route="/ready",le="4.0"} 3',
      'borde_http_request_database_round_trips_bucket{route="/ready",le="6.0"} 4',
      'borde_http_request_database_round_trips_bucket{route="/ready",le="8.0"} 4',
      'borde_http_request_database_round_trips_bucket{route="/ready",le="12.0"} 4',
      'borde_http_request_database_round_trips_bucket{route="/ready",le="16.0"} 4',
      'borde_http_request_database_round_trips_bucket{route="/ready",le="+Inf"} 5',
      'borde_http_request_database_round_trips_sum{route="/ready"} 47',
      'borde_http_request_database_round_trips_count{route="/ready"} 5',
    ]);
  });

  it("adds deltas from several recorders key by key, and escapes label values", () => {
    const totals = {};
    for (const route of ['/a"b', '/a"b', "/c\\d"]) {
      const recorder = new MetricsRecorder();
      recorder.add("borde_http_requests_total", { route, method: "GET", status_class: "2xx" }, 2);
      addSamples(totals, recorder.take());
    }
    expect(renderExposition(totals, "prometheus")).toBe(
      [
        "# HELP borde_http_requests_total HTTP requests answered, by route template, method and status class.",
        "# TYPE borde_http_requests_total counter",
        'borde_http_requests_total{route="/a\\"b",method="GET",status_class="2xx"} 4',
        'borde_http_requests_total{route="/c\\\\d",method="GET",status_class="2xx"} 2',
        "",
      ].join("\n"),
    );
  });

  it("names a counter's family without _total in OpenMetrics and ends with # EOF", () => {
    const recorder = new MetricsRecorder();
    recorder.add("borde_jobs_total", { type: "audit.run", outcome: "succeeded" });
    const text = renderExposition(recorder.take(), "openmetrics");
    expect(text).toContain("# TYPE borde_jobs counter\n");
    expect(text).toContain('borde_jobs_total{type="audit.run",outcome="succeeded"} 1\n');
    expect(text.endsWith("# EOF\n")).toBe(true);
  });

  it("starts again from nothing after take, and restore puts deltas back", () => {
    const recorder = new MetricsRecorder();
    recorder.add("borde_webchat_sockets_open", {}, 1);
    const deltas = recorder.take();
    expect(recorder.empty).toBe(true);
    recorder.restore(deltas);
    recorder.add("borde_webchat_sockets_open", {}, -1);
    expect(renderExposition(recorder.take(), "prometheus")).toContain("\nborde_webchat_sockets_open 0\n");
  });
});
