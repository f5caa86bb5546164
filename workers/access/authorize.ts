import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../http/app-env.ts";
import { HttpProblem } from "../http/problem.ts";
import type { Principal } from "./principal.ts";
import { type Role, roleAtLeast, type Scope } from "./roles.ts";

export type Requirement = {
  /** The least role a signed-in person needs. */
  role: Role;
  /** The scope an API key needs; without one, API keys are refused. */
  scope?: Scope;
};

/** The areas whose API keys hold a scope to read (`<area>:read`) and one to change (`<area>:write`). */
type Area = {
  [S in Scope]: S extends `${infer A}:write` ? (`${A}:read` extends Scope ? A : never) : never;
}[Scope];

/**
 * The usual requirements of an area's routes: to read, the `read` role (viewer unless given) or a key
 * with `<area>:read`; to change, the `write` role (analyst unless given) or a key with `<area>:write`.
 */
export function areaAccess(area: Area, roles: { read?: Role; write?: Role } = {}) {
  // Area holds just the names with both scopes, so both strings are scopes.
  const read: Requirement = { role: roles.read ?? "viewer", scope: `${area}:read` as Scope };
  const write: Requirement = { role: roles.write ?? "analyst", scope: `${area}:write` as Scope };
  return { read, write };
}

/** Declared per route: who may call it. 401 when nobody is signed in, 403 when the caller may not. */
export function authorize(requirement: Requirement): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const principal = c.get("principal");
    if (!principal) {
      throw new HttpProblem(
        "unauthenticated",
        c.get("authError") ?? "Sign in, or send a bearer token or API key.",
        {
          headers: { "WWW-Authenticate": 'Bearer realm="borde"' },
        },
      );
    }
    if (principal.kind === "user" && !roleAtLeast(principal.role, requirement.role)) {
      throw new HttpProblem("forbidden", `This needs the ${requirement.role} role or higher.`);
    }
    if (principal.kind === "api_key") {
      if (!requirement.scope)
        throw new HttpProblem("forbidden", "API keys cannot call this route; sign in instead.");
      if (!principal.scopes.includes(requirement.scope)) {
        throw new HttpProblem("forbidden", `This API key lacks the ${requirement.scope} scope.`);
      }
    }
    await next();
  };
}

/** The caller, once `authorize()` has run for the route. */
export function principalOf(c: { get: (key: "principal") => Principal | undefined }): Principal {
  const principal = c.get("principal");
  if (!principal) throw new Error("principalOf() used on a route without authorize()");
  return principal;
}

/** The signed-in person, for routes API keys cannot call. */
export function userOf(c: { get: (key: "principal") => Principal | undefined }) {
  const principal = principalOf(c);
  if (principal.kind !== "user") throw new HttpProblem("forbidden", "Only a signed-in person can do this.");
  return principal;
}
