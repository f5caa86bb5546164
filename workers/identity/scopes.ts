import type { Role } from "./tables.ts";

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
] as const;
export type Scope = (typeof SCOPES)[number];

const ROLE_RANK: Record<Role, number> = { viewer: 0, analyst: 1, admin: 2, owner: 3 };

/** owner ⊃ admin ⊃ analyst ⊃ viewer. */
export const roleAtLeast = (role: Role, required: Role) => ROLE_RANK[role] >= ROLE_RANK[required];
