import { z } from "@hono/zod-openapi";
import type { ApiKey } from "./api-keys.ts";
import type { Invitation } from "./invitations.ts";
import type { Member } from "./memberships.ts";
import { SCOPES } from "./scopes.ts";
import { PLANS, ROLES } from "./tables.ts";
import type { Tenant } from "./tenants.ts";
import type { User } from "./users.ts";

const timestamp = () => z.string().openapi({ format: "date-time", example: "2026-11-22T12:00:00.000Z" });
const iso = (date: Date) => date.toISOString();
const isoOrNull = (date: Date | null) => date?.toISOString() ?? null;

export const IdParamSchema = z.object({
  id: z
    .uuid()
    .openapi({ param: { name: "id", in: "path" }, example: "0193b6c6-8f4e-7c1a-9f1e-5b3f7c2d1a00" }),
});

export const EmailSchema = z
  .email()
  .max(254)
  .transform((email) => email.trim())
  .openapi({ example: "ana@example.com" });
export const PasswordSchema = z
  .string()
  .min(10, "use at least 10 characters")
  .max(128)
  .openapi({ example: "correct horse battery" });
export const RoleSchema = z.enum(ROLES).openapi("Role");
export const ScopeSchema = z.enum(SCOPES).openapi("Scope");

export const UserSchema = z
  .object({ id: z.uuid(), email: z.string(), name: z.string(), created_at: timestamp() })
  .openapi("User");
export const renderUser = (user: User) => ({
  id: user.id,
  email: user.email,
  name: user.name,
  created_at: iso(user.createdAt),
});

export const TenantSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    slug: z.string(),
    plan: z.enum(PLANS),
    created_at: timestamp(),
    updated_at: timestamp(),
  })
  .openapi("Tenant");
export const renderTenant = (tenant: Tenant) => ({
  id: tenant.id,
  name: tenant.name,
  slug: tenant.slug,
  plan: tenant.plan,
  created_at: iso(tenant.createdAt),
  updated_at: iso(tenant.updatedAt),
});

export const SessionSchema = z
  .object({
    user: UserSchema,
    tenant: TenantSchema,
    role: RoleSchema,
    token_type: z.literal("Bearer"),
    access_token: z
      .string()
      .openapi({ description: "A JWT for `Authorization: Bearer`; also set as an HttpOnly cookie." }),
    expires_in: z.number().int().openapi({ description: "Seconds the access token is valid." }),
    refresh_token: z.string().openapi({
      description: "Single use: every refresh returns a new one. Also set as an HttpOnly cookie.",
    }),
    refresh_expires_at: timestamp(),
  })
  .openapi("Session");

export const MemberSchema = z
  .object({
    id: z.uuid(),
    user_id: z.uuid(),
    email: z.string(),
    name: z.string(),
    role: RoleSchema,
    created_at: timestamp(),
  })
  .openapi("Member");
export const renderMember = (member: Member) => ({
  id: member.id,
  user_id: member.userId,
  email: member.email,
  name: member.name,
  role: member.role,
  created_at: iso(member.createdAt),
});

export const InvitationSchema = z
  .object({
    id: z.uuid(),
    email: z.string(),
    role: RoleSchema,
    expires_at: timestamp(),
    accepted_at: timestamp().nullable(),
    created_at: timestamp(),
  })
  .openapi("Invitation");
export const renderInvitation = (invitation: Invitation) => ({
  id: invitation.id,
  email: invitation.email,
  role: invitation.role,
  expires_at: iso(invitation.expiresAt),
  accepted_at: isoOrNull(invitation.acceptedAt),
  created_at: iso(invitation.createdAt),
});

export const ApiKeySchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    prefix: z.string().openapi({ description: "The public part of the key, to tell keys apart." }),
    scopes: z.array(ScopeSchema),
    last_used_at: timestamp().nullable(),
    expires_at: timestamp().nullable(),
    created_at: timestamp(),
  })
  .openapi("ApiKey");
export const renderApiKey = (apiKey: ApiKey) => ({
  id: apiKey.id,
  name: apiKey.name,
  prefix: apiKey.prefix,
  scopes: apiKey.scopes as z.infer<typeof ScopeSchema>[],
  last_used_at: isoOrNull(apiKey.lastUsedAt),
  expires_at: isoOrNull(apiKey.expiresAt),
  created_at: iso(apiKey.createdAt),
});
