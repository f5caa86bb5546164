import type { Hook } from "@hono/zod-openapi";
import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ZodError } from "zod";
import { ConfigError } from "../config/config.ts";
import { isDatabaseUnavailable } from "../db/failures.ts";
import { errorFields } from "../lib/log.ts";
import type { AppEnv } from "./app-env.ts";
import { type FieldError, HttpProblem, problemResponse, validationProblem } from "./problem.ts";
import { PROBLEM_TYPES, type ProblemKey } from "./problem-types.ts";

// Hono and zod-openapi throw HTTPException for a body they cannot read (400), one over the limit (413) and
// a Content-Type the route does not take (415); any other status would be a bug, answered as one (500).
const HTTP_EXCEPTION_PROBLEMS: Partial<Record<number, ProblemKey>> = {
  400: "bad-request",
  413: "payload-too-large",
  415: "unsupported-media-type",
};

// How each validated part of a request is named in `errors[].path`.
const TARGET_NAMES: Record<string, string> = {
  json: "body",
  form: "body",
  query: "query",
  param: "path",
  header: "header",
  cookie: "cookie",
};

export function fieldErrors(error: ZodError, target?: string): FieldError[] {
  const prefix = target ? [TARGET_NAMES[target] ?? target] : [];
  return error.issues.map((issue) => ({
    path: [...prefix, ...issue.path.map(String)].join(".") || "(root)",
    message: issue.message,
  }));
}

/** Turns a failed zod validation of any request part into a 400 problem listing each field. */
export const validationHook: Hook<unknown, AppEnv, string, unknown> = (result) => {
  if (!result.success) throw validationProblem(fieldErrors(result.error, result.target));
};

export const handleNotFound: NotFoundHandler<AppEnv> = (c) =>
  problemResponse(
    c,
    new HttpProblem("not-found", `No route matches ${c.req.method} ${new URL(c.req.url).pathname}.`),
  );

export function methodNotAllowedResponse(c: Context<AppEnv>, methods: string[]): Response {
  return problemResponse(
    c,
    new HttpProblem(
      "method-not-allowed",
      `${c.req.method} is not supported here; use ${methods.join(", ")}.`,
      {
        headers: { Allow: methods.join(", ") },
      },
    ),
  );
}

export const handleError: ErrorHandler<AppEnv> = (error, c) => {
  if (error instanceof HttpProblem) return problemResponse(c, error);
  if (error instanceof HTTPException) {
    const key = HTTP_EXCEPTION_PROBLEMS[error.status];
    if (key) return problemResponse(c, new HttpProblem(key, error.message || PROBLEM_TYPES[key].title));
  }
  if (isDatabaseUnavailable(error)) {
    c.get("log").warn("database unavailable", { path: new URL(c.req.url).pathname, ...errorFields(error) });
    return problemResponse(
      c,
      new HttpProblem(
        "service-unavailable",
        "The database did not answer in time; try again in a few seconds (with the same Idempotency-Key, if you sent one).",
      ),
    );
  }
  c.get("log").error("unhandled error", {
    path: new URL(c.req.url).pathname,
    ...errorFields(error),
  });
  // A configuration error names the setting to fix; anything else says nothing about internals.
  const detail =
    error instanceof ConfigError
      ? error.message
      : "Something went wrong on our side; quote the request id to support.";
  return problemResponse(c, new HttpProblem("internal", detail));
};
