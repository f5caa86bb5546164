import type { Hook } from "@hono/zod-openapi";
import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ZodError } from "zod";
import { ConfigError } from "../config/config.ts";
import { errorFields } from "../lib/log.ts";
import type { AppEnv } from "./app-env.ts";
import { type FieldError, HttpProblem, problemResponse, validationProblem } from "./problem.ts";

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
    new HttpProblem(404, "Not Found", `No route matches ${c.req.method} ${new URL(c.req.url).pathname}.`),
  );

export function methodNotAllowedResponse(c: Context<AppEnv>, methods: string[]): Response {
  return problemResponse(
    c,
    new HttpProblem(
      405,
      "Method Not Allowed",
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
    return problemResponse(
      c,
      new HttpProblem(error.status, httpTitle(error.status), error.message || httpTitle(error.status)),
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
  return problemResponse(c, new HttpProblem(500, "Internal Server Error", detail));
};

function httpTitle(status: number): string {
  const titles: Record<number, string> = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    413: "Content Too Large",
    415: "Unsupported Media Type",
  };
  return titles[status] ?? "Error";
}
