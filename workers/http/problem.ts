import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** One invalid input field, named by its dotted path in the request (`body.email`, `query.limit`). */
export type FieldError = { path: string; message: string };

/** An error that the API reports to its caller as an RFC 9457 problem document. */
export class HttpProblem extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly title: string,
    readonly detail: string,
    readonly options: {
      type?: string;
      errors?: FieldError[];
      headers?: Record<string, string>;
      extensions?: Record<string, unknown>;
    } = {},
  ) {
    super(detail);
    this.name = "HttpProblem";
  }
}

export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: "about:blank" }),
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

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

export function problemResponse(c: Context, problem: HttpProblem): Response {
  const body = {
    type: problem.options.type ?? "about:blank",
    title: problem.title,
    status: problem.status,
    detail: problem.detail,
    instance: new URL(c.req.url).pathname,
    request_id: c.get("requestId") ?? "",
    ...(problem.options.errors ? { errors: problem.options.errors } : {}),
    ...problem.options.extensions,
  };
  const headers = new Headers(c.res.headers);
  headers.set("content-type", PROBLEM_CONTENT_TYPE);
  for (const [name, value] of Object.entries(problem.options.headers ?? {})) headers.set(name, value);
  return new Response(JSON.stringify(body), { status: problem.status, headers });
}

export const validationProblem = (errors: FieldError[]) =>
  new HttpProblem(400, "Invalid request", `${errors.length} field(s) failed validation.`, {
    type: "urn:borde:problem:validation-error",
    errors,
  });

export const notFound = (what: string) => new HttpProblem(404, "Not Found", `No ${what} with this id.`);
