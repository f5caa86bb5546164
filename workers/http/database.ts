import type { MiddlewareHandler } from "hono";
import { DatabaseSession } from "../db/client.ts";
import type { AppEnv } from "./app-env.ts";

/**
 * Gives the request a lazily opened database session and closes it after the response is sent,
 * so routes that never touch the database pay nothing.
 */
export function database(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const session = new DatabaseSession(c.get("config"), c.get("log"));
    c.set("database", session);
    try {
      await next();
    } finally {
      if (session.opened) c.executionCtx.waitUntil(session.close());
    }
  };
}
