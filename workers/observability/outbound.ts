import { metrics } from "./recorder.ts";
import { withSpan } from "./tracing.ts";

/** The outside services Borde calls; a closed set, so the outbound series stay bounded. */
export type OutboundService = "openai" | "twilio" | "serpapi" | "audited_site";

/**
 * The span's attributes: the URL without its query, which may carry a key (SerpApi takes `api_key` there).
 * No trace header goes to outside services: they are not Borde's, and an audited site is anyone's.
 */
function outboundAttributes(service: OutboundService, method: string, input: RequestInfo | URL) {
  const url = new URL(input instanceof Request ? input.url : input);
  return {
    "borde.service": service,
    "http.request.method": method,
    "server.address": url.hostname,
    "url.full": `${url.origin}${url.pathname}`,
  };
}

/**
 * `fetch`, counted by service and outcome (ok below 400, error_status from 400, failed when no response
 * came) with the time to the response's headers, and a client span when the trace is recorded. The
 * clients of outside services call through it.
 */
export function measuredFetch(service: OutboundService): typeof fetch {
  return async (input, init) => {
    const started = performance.now();
    const method = init?.method ?? (input instanceof Request ? input.method : "GET");
    const done = (outcome: "ok" | "error_status" | "failed") => {
      metrics.add("borde_outbound_requests_total", { service, outcome });
      metrics.observe(
        "borde_outbound_request_duration_seconds",
        { service },
        (performance.now() - started) / 1000,
      );
    };
    try {
      const response = await withSpan(
        method,
        "client",
        () => outboundAttributes(service, method, input),
        async (span) => {
          const response = await fetch(input, init);
          span?.set({ "http.response.status_code": response.status });
          if (response.status >= 400) span?.fail(`HTTP ${response.status}`);
          return response;
        },
      );
      done(response.status < 400 ? "ok" : "error_status");
      return response;
    } catch (error) {
      done("failed");
      throw error;
    }
  };
}
