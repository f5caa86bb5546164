import { PROBLEM_CONTENT_TYPE, ProblemSchema } from "./problem.ts";

const descriptions = {
  400: "The request is malformed or fails validation; `errors` lists each invalid field.",
  401: "Authentication is missing or invalid.",
  403: "Authenticated, but not allowed to do this.",
  404: "No such resource (or it belongs to another tenant).",
  409: "The request conflicts with the current state.",
  429: "Rate limit exceeded; retry after `Retry-After` seconds.",
  500: "Unexpected server error; quote the request id when reporting it.",
  503: "A dependency is unavailable.",
} as const;

type ProblemStatus = keyof typeof descriptions;

/** Problem responses for a route's OpenAPI declaration; every route lists 400, 429 and 500 as well. */
export function problemResponses<S extends ProblemStatus>(...statuses: S[]) {
  const all = [...new Set<ProblemStatus>([400, 429, 500, ...statuses])].sort();
  return Object.fromEntries(
    all.map((status) => [
      status,
      { description: descriptions[status], content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema } } },
    ]),
  ) as Record<
    S | 400 | 429 | 500,
    { description: string; content: { [PROBLEM_CONTENT_TYPE]: { schema: typeof ProblemSchema } } }
  >;
}
