import { PROBLEM_CONTENT_TYPE, ProblemSchema } from "./problem.ts";
import { type ProblemStatus, problemKeysOf } from "./problem-types.ts";

const descriptions: Record<ProblemStatus, string> = {
  400: "The request is malformed or fails validation; `errors` lists each invalid field.",
  401: "Authentication is missing or invalid.",
  403: "Authenticated, but not allowed to do this.",
  404: "No such resource (or it belongs to another tenant).",
  405: "The path does not take this method; `Allow` lists those it does.",
  409: "The request conflicts with the current state.",
  411: "The body's length must be sent (`Content-Length`).",
  413: "The body is larger than the API accepts.",
  415: "The body's Content-Type is not one this route reads.",
  426: "Not a WebSocket upgrade request.",
  429: "Rate limit exceeded; retry after `Retry-After` seconds.",
  500: "Unexpected server error; quote the request id when reporting it.",
  503: "A dependency is unavailable.",
};

const problemResponse = (status: ProblemStatus) => ({
  description: `${descriptions[status]} Problem types: ${problemKeysOf(status)
    .map((key) => `\`${key}\``)
    .join(", ")}.`,
  content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema } },
});

/** The problem responses of a route's OpenAPI declaration, one per status. */
export function problemResponses<S extends ProblemStatus>(statuses: readonly S[]) {
  const sorted = [...new Set(statuses)].sort();
  return Object.fromEntries(sorted.map((status) => [status, problemResponse(status)])) as Record<
    S,
    ReturnType<typeof problemResponse>
  >;
}
