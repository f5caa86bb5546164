import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../http/app-env.ts";
import { HttpProblem } from "../http/problem.ts";
import { readAccessCookie, readRefreshCookie } from "./cookies.ts";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Cookies ride along on cross-site requests; headers do not. So an unsafe request that carries a session
 * cookie (and no Authorization or x-api-key header) must come from this API's own origin or an allowed
 * one, as its Origin or Sec-Fetch-Site header says. Requests with neither header come from outside a
 * browser, where cross-site forgery does not arise.
 */
export function csrfProtection(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (SAFE_METHODS.has(c.req.method)) return next();
    if (c.req.header("authorization") || c.req.header("x-api-key")) return next();
    if (!readAccessCookie(c) && !readRefreshCookie(c)) return next();
    const origin = c.req.header("origin");
    const fetchSite = c.req.header("sec-fetch-site");
    const allowed = origin
      ? origin === new URL(c.req.url).origin || c.get("config").allowedOrigins.includes(origin)
      : fetchSite === undefined || fetchSite === "same-origin" || fetchSite === "none";
    if (!allowed) {
      throw new HttpProblem(
        "cross-site-request",
        "Cross-site request refused: the Origin is not allowed to use this session.",
      );
    }
    await next();
  };
}
