import type { ModuleSwitches } from "../access/modules.ts";
import type { Principal } from "../access/principal.ts";
import type { Config } from "../config/config.ts";
import type { Env } from "../config/env.ts";
import type { DatabaseSession } from "../db/client.ts";
import type { Logger } from "../lib/log.ts";

/** What every handler can read from the Hono context. */
export type AppEnv = {
  Bindings: Env;
  Variables: {
    requestId: string;
    /** The incoming W3C `traceparent`, when a well-formed one was sent. */
    traceparent?: string;
    /** Bound to the request id and, once known, the caller's tenant. */
    log: Logger;
    config: Config;
    database: DatabaseSession;
    /** Who is calling, when they could be authenticated. */
    principal?: Principal;
    /** Why the credentials sent could not be accepted, for the 401 of routes that need them. */
    authError?: string;
    /** Which modules the tenants have on, for routes declared with a `module`. */
    modules?: ModuleSwitches;
  };
};
