import { metrics } from "./recorder.ts";

/** The outside services Borde calls; a closed set, so the outbound series stay bounded. */
export type OutboundService = "openai" | "twilio" | "serpapi" | "audited_site";

/**
 * `fetch`, counted by service and outcome (ok below 400, error_status from 400, failed when no response
 * came) with the time to the response's headers. The clients of outside services call through it.
 */
export function measuredFetch(service: OutboundService): typeof fetch {
  return async (input, init) => {
    const started = performance.now();
    const done = (outcome: "ok" | "error_status" | "failed") => {
      metrics.add("borde_outbound_requests_total", { service, outcome });
      metrics.observe(
        "borde_outbound_request_duration_seconds",
        { service },
        (performance.now() - started) / 1000,
      );
    };
    try {
      const response = await fetch(input, init);
      done(response.status < 400 ? "ok" : "error_status");
      return response;
    } catch (error) {
      done("failed");
      throw error;
    }
  };
}
