import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { CookieOptions } from "hono/utils/cookie";
import { ACCESS_TOKEN_TTL_SECONDS } from "./access-tokens.ts";
import { REFRESH_TOKEN_TTL_SECONDS } from "./refresh-tokens.ts";

export const ACCESS_COOKIE = "borde_access";
export const REFRESH_COOKIE = "borde_refresh";
/** The refresh cookie goes only to the routes that use it (refresh, logout, password change). */
export const REFRESH_COOKIE_PATH = "/api/v1/auth";

const isHttps = (c: Context) => new URL(c.req.url).protocol === "https:";

// Over https the cookie names carry the __Host- / __Secure- prefixes, which browsers only accept from a
// secure origin, without a Domain, and (for __Host-) on path /. http://localhost gets plain names.
function options(c: Context, kind: "access" | "refresh"): CookieOptions {
  const secure = isHttps(c);
  const base: CookieOptions = { httpOnly: true, sameSite: "Lax", secure };
  if (kind === "access") return { ...base, path: "/", ...(secure ? { prefix: "host" } : {}) };
  return { ...base, path: REFRESH_COOKIE_PATH, ...(secure ? { prefix: "secure" } : {}) };
}

const prefixOf = (c: Context, kind: "access" | "refresh") =>
  isHttps(c) ? (kind === "access" ? "host" : "secure") : undefined;

export function setSessionCookies(c: Context, tokens: { accessToken: string; refreshToken: string }): void {
  setCookie(c, ACCESS_COOKIE, tokens.accessToken, {
    ...options(c, "access"),
    maxAge: ACCESS_TOKEN_TTL_SECONDS,
  });
  setCookie(c, REFRESH_COOKIE, tokens.refreshToken, {
    ...options(c, "refresh"),
    maxAge: REFRESH_TOKEN_TTL_SECONDS,
  });
}

export function clearSessionCookies(c: Context): void {
  deleteCookie(c, ACCESS_COOKIE, options(c, "access"));
  deleteCookie(c, REFRESH_COOKIE, options(c, "refresh"));
}

export const readAccessCookie = (c: Context) => getCookie(c, ACCESS_COOKIE, prefixOf(c, "access"));
export const readRefreshCookie = (c: Context) => getCookie(c, REFRESH_COOKIE, prefixOf(c, "refresh"));
