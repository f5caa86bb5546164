import { HttpProblem, notFound } from "../http/problem.ts";
import type { MessageOutcome } from "./live-protocol.ts";

/** The HTTP problem for a message the session refused, for the REST routes. */
export function messageRefused(outcome: Extract<MessageOutcome, { type: "error" }>): HttpProblem {
  switch (outcome.code) {
    case "rate_limited":
      return new HttpProblem(429, "Too Many Requests", outcome.detail, {
        headers: { "Retry-After": String(outcome.retry_after_seconds ?? 60) },
      });
    case "conversation_not_found":
      return notFound("conversation");
    case "conversation_closed":
      return new HttpProblem(409, "Conflict", outcome.detail);
    default:
      return new HttpProblem(500, "Internal Server Error", outcome.detail);
  }
}
