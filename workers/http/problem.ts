import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { PROBLEM_KEYS, PROBLEM_TYPES, type ProblemKey, problemTypeUri } from "./problem-types.ts";

/** One invalid input field, named by its dotted path in the request (`body.email`, `query.limit`). */
export type FieldError = { path: string; message: string };

/**
 * An error that the API reports to its caller as an RFC 9457 problem document. Its kind is a key of the
 * problem catalogue, which gives the status and title; the call site says only what happened.
 */
export class HttpProblem extends Error {
  readonly status: (typeof PROBLEM_TYPES)[ProblemKey]["status"];
  readonly title: string;

  constructor(
    readonly key: ProblemKey,
    readonly detail: string,
    readonly options: {
      errors?: FieldError[];
      headers?: Record<string, string>;
      extensions?: Record<string, unknown>;
    } = {},
  ) {
    super(detail);
    this.name = "HttpProblem";
    this.status = PROBLEM_TYPES[key].status;
    this.title = PROBLEM_TYPES[key].title;
  }
}

export const ProblemSchema = z
  .object({
    type: z.url().openapi({
      description: `What kind of error this is, to switch on: \`<origin>/problems/<kind>\` on the origin that was called, where a page explains it (\`GET /problems\` lists them). The kinds: ${PROBLEM_KEYS.map((key) => `\`${key}\``).join(", ")}.`,
      example: "https://borde.example/problems/not-found",
    }),
    title: z.string().openapi({ example: "Not Found" }),
    status: z.number().int().openapi({ example: 404 }),
    detail: z.string().openapi({ example: "No project with this id." }),
    instance: z.string().openapi({ example: "/api/v1/projects/0193b6c6-8f4e-7c1a-9f1e-5b3f7c2d1a00" }),
    request_id: z.string().openapi({ example: "0193b6c6-8f4e-7c1a-9f1e-5b3f7c2d1a00" }),
    errors: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .openapi({ description: "For validation problems: each invalid field and what is wrong with it." }),
  })
  .openapi("Problem");

/** How long a client should wait after a 503 before trying again. */
export const RETRY_AFTER_UNAVAILABLE_SECONDS = 2;

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

export function problemResponse(c: Context, problem: HttpProblem): Response {
  const url = new URL(c.req.url);
  const body = {
    type: problemTypeUri(url.origin, problem.key),
    title: problem.title,
    status: problem.status,
    detail: problem.detail,
    instance: url.pathname,
    request_id: c.get("requestId") ?? "",
    ...(problem.options.errors ? { errors: problem.options.errors } : {}),
    ...problem.options.extensions,
  };
  const headers = new Headers(c.res.headers);
  headers.set("content-type", PROBLEM_CONTENT_TYPE);
  for (const [name, value] of Object.entries(problem.options.headers ?? {})) headers.set(name, value);
  // Every 503 tells the client when to try again, unless its cause knows better.
  if (problem.status === 503 && !headers.has("retry-after"))
    headers.set("Retry-After", String(RETRY_AFTER_UNAVAILABLE_SECONDS));
  return new Response(JSON.stringify(body), { status: problem.status, headers });
}

export const validationProblem = (errors: FieldError[]) =>
  new HttpProblem("validation-error", `${errors.length} field(s) failed validation.`, { errors });

export const notFound = (what: string) => new HttpProblem("not-found", `No ${what} with this id.`);
