import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./app-env.ts";
import { type FieldError, validationProblem } from "./problem.ts";

const NUL = "\u0000";
const MESSAGE = "must not contain the NUL character (U+0000), which Postgres cannot store";

/** The dotted paths of every string in `value` (keys included) that holds a NUL character. */
export function nulPaths(value: unknown, path: string): string[] {
  if (typeof value === "string") return value.includes(NUL) ? [path] : [];
  if (Array.isArray(value)) return value.flatMap((item, index) => nulPaths(item, `${path}.${index}`));
  if (typeof value === "object" && value !== null) {
    return Object.entries(value).flatMap(([key, item]) =>
      key.includes(NUL) ? [path] : nulPaths(item, `${path}.${key}`),
    );
  }
  return [];
}

/**
 * Refuses, with a 400 naming each field, any text Postgres cannot store: a NUL character in the path, a
 * query parameter or a JSON body. One rule at the boundary, so no route's schema can forget it and no NUL
 * ever reaches the database as a 500. A body that is not valid JSON is left to the route's validator, which
 * reads the same cached parse and reports it.
 */
export function refuseUnstorableText(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const errors: FieldError[] = [];
    if (/%00/i.test(new URL(c.req.url).pathname)) errors.push({ path: "path", message: MESSAGE });
    for (const [name, values] of Object.entries(c.req.queries())) {
      if (name.includes(NUL) || values.some((value) => value.includes(NUL)))
        errors.push({ path: `query.${name.replaceAll(NUL, "")}`, message: MESSAGE });
    }
    // NDJSON bodies are streamed by their route, which checks each line; a compressed body is not JSON text
    // yet, and the route that accepts one decodes and checks it itself.
    const contentType = c.req.header("content-type")?.toLowerCase();
    const encoded = (c.req.header("content-encoding") ?? "identity").toLowerCase() !== "identity";
    if (!encoded && contentType?.includes("json") && !contentType.includes("ndjson")) {
      const body = await c.req.json().catch(() => undefined);
      for (const path of nulPaths(body, "body")) errors.push({ path, message: MESSAGE });
    }
    if (errors.length > 0) throw validationProblem(errors);
    await next();
  };
}
