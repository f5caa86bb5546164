import { HttpProblem, notFound, RETRY_AFTER_UNAVAILABLE_SECONDS } from "../http/problem.ts";
import type { MessageOutcome } from "./live-protocol.ts";

/** The HTTP problem for a message the session refused, for the REST routes. */
export function messageRefused(outcome: Extract<MessageOutcome, { type: "error" }>): HttpProblem {
  switch (outcome.code) {
    case "rate_limited":
      return new HttpProblem("rate-limited", outcome.detail, {
        headers: { "Retry-After": String(outcome.retry_after_seconds ?? 60) },
      });
    case "conversation_not_found":
      return notFound("conversation");
    case "conversation_closed":
      return new HttpProblem("conversation-closed", outcome.detail);
    case "unavailable":
      return new HttpProblem("service-unavailable", outcome.detail, {
        headers: { "Retry-After": String(outcome.retry_after_seconds ?? RETRY_AFTER_UNAVAILABLE_SECONDS) },
      });
    default:
      return new HttpProblem("internal", outcome.detail);
  }
}
