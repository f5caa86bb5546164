/** A member's role in a tenant, most powerful first. */
export const ROLES = ["owner", "admin", "analyst", "viewer"] as const;
export type Role = (typeof ROLES)[number];

/** A tenant's plan, which sets its rate limits. */
export const PLANS = ["free", "pro", "enterprise"] as const;
export type Plan = (typeof PLANS)[number];

/** What an API key may be allowed to do; each route names the scope it needs. */
export const SCOPES = [
  "tenant:read",
  "members:read",
  "projects:read",
  "projects:write",
  "audits:read",
  "audits:write",
  "assistants:read",
  "assistants:write",
  "conversations:read",
  "conversations:write",
  "channels:read",
  "channels:write",
  "insights:read",
  "insights:write",
  "reputation:read",
  "telemetry:read",
  "telemetry:write",
  "alerts:read",
  "alerts:write",
  "catalog:read",
  "catalog:write",
  "imports:read",
  "imports:write",
  "backups:read",
  "backups:write",
  "reports:read",
  "reports:write",
] as const;
export type Scope = (typeof SCOPES)[number];

const ROLE_RANK: Record<Role, number> = { viewer: 0, analyst: 1, admin: 2, owner: 3 };

/** owner ⊃ admin ⊃ analyst ⊃ viewer. */
export const roleAtLeast = (role: Role, required: Role) => ROLE_RANK[role] >= ROLE_RANK[required];
