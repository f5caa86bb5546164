import type { Plan, Role, Scope } from "./roles.ts";

/** Who is calling: a person signed in to one tenant, or one of a tenant's API keys. */
export type Principal =
  | {
      kind: "user";
      userId: string;
      tenantId: string;
      role: Role;
      plan: Plan;
      /** The login session (refresh-token family). */
      sessionId: string;
      via: "cookie" | "bearer";
    }
  | { kind: "api_key"; apiKeyId: string; tenantId: string; scopes: Scope[]; plan: Plan };

export const principalId = (principal: Principal) =>
  principal.kind === "user" ? `user:${principal.userId}` : `key:${principal.apiKeyId}`;
