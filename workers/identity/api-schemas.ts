import { z } from "@hono/zod-openapi";
import { PLANS, ROLES, SCOPES } from "../access/roles.ts";
import { fieldsOf, isoOrNull, timestamp, timestampFields } from "../http/api-schemas.ts";
import type { ApiKey } from "./api-keys.ts";
import type { Invitation } from "./invitations.ts";
import type { Member } from "./memberships.ts";
import type { Organization } from "./organizations.ts";
import type { Tenant } from "./tenants.ts";
import type { User } from "./users.ts";

const iso = (date: Date) => date.toISOString();

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
export const renderUser = (user: User) => fieldsOf(user, "id", "email", "name", "createdAt");

export const TenantSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    slug: z.string(),
    plan: z.enum(PLANS),
    ...timestampFields,
  })
  .openapi("Tenant");
export const renderTenant = (tenant: Tenant) =>
  fieldsOf(tenant, "id", "name", "slug", "plan", "createdAt", "updatedAt");

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
export const renderMember = (member: Member) =>
  fieldsOf(member, "id", "userId", "email", "name", "role", "createdAt");

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
export const renderInvitation = (invitation: Invitation) =>
  fieldsOf(invitation, "id", "email", "role", "expiresAt", "acceptedAt", "createdAt");

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

export const ApiKeyCreateSchema = z
  .object({
    name: z.string().trim().min(1).max(120),
    scopes: z.array(ScopeSchema).min(1).max(20),
    expires_at: z.iso
      .datetime()
      .optional()
      .refine((value) => value === undefined || new Date(value) > new Date(), "must be in the future"),
  })
  .openapi("ApiKeyCreate");

export const CreatedApiKeySchema = ApiKeySchema.extend({
  key: z.string().openapi({ description: "Shown once. Send it as `x-api-key` or `Authorization: Bearer`." }),
}).openapi("CreatedApiKey");

export const TenantUpdateSchema = z
  .object({ name: z.string().trim().min(1).max(120) })
  .openapi("TenantUpdate");

export const MemberUpdateSchema = z.object({ role: RoleSchema }).openapi("MemberUpdate");

export const MemberInviteSchema = z.object({ email: EmailSchema, role: RoleSchema }).openapi("MemberInvite");

export const CreatedInvitationSchema = InvitationSchema.extend({
  token: z.string().openapi({
    description:
      "Shown once: the invitee registers with it as `invitation_token`, or, with an account, calls `POST /api/v1/invitations/accept`.",
  }),
}).openapi("CreatedInvitation");

export const InvitationAcceptSchema = z
  .object({
    token: z.string().min(1).max(200).openapi({ description: "The invitation token you were sent." }),
  })
  .openapi("InvitationAccept");

export const JwksSchema = z
  .object({
    keys: z.array(
      z.object({
        kty: z.string(),
        crv: z.string(),
        x: z.string(),
        kid: z.string(),
        alg: z.string(),
        use: z.string(),
      }),
    ),
  })
  .openapi("JsonWebKeySet");

export const OrganizationSchema = z
  .object({
    id: z.uuid().openapi({ description: "The tenant's id: what `POST /api/v1/auth/switch` takes." }),
    name: z.string(),
    slug: z.string(),
    plan: z.enum(PLANS),
    role: RoleSchema.openapi({ description: "Your role in it." }),
    created_at: timestamp(),
  })
  .openapi("Organization");
export const renderOrganization = (organization: Organization) => ({
  id: organization.tenant.id,
  name: organization.tenant.name,
  slug: organization.tenant.slug,
  plan: organization.tenant.plan,
  role: organization.role,
  created_at: iso(organization.tenant.createdAt),
});

const SlugSchema = z
  .string()
  .regex(/^[a-z0-9](?:[a-z0-9-]{1,38}[a-z0-9])$/, "3 to 40 lowercase letters, digits or dashes")
  .openapi({ example: "acme" });

export const RegisterSchema = z
  .object({
    email: EmailSchema,
    password: PasswordSchema,
    name: z.string().trim().min(1).max(120),
    tenant_name: z
      .string()
      .trim()
      .min(1)
      .max(120)
      .optional()
      .openapi({ description: "With tenant_slug: create a tenant." }),
    tenant_slug: SlugSchema.optional(),
    invitation_token: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .openapi({ description: "Instead: join the inviting tenant." }),
  })
  .superRefine((body, ctx) => {
    if (body.invitation_token) return;
    if (!body.tenant_name)
      ctx.addIssue({
        code: "custom",
        path: ["tenant_name"],
        message: "required unless invitation_token is given",
      });
    if (!body.tenant_slug)
      ctx.addIssue({
        code: "custom",
        path: ["tenant_slug"],
        message: "required unless invitation_token is given",
      });
  })
  .openapi("RegisterRequest");

export const OrganizationCreateSchema = z
  .object({ name: z.string().trim().min(1).max(120), slug: SlugSchema })
  .openapi("OrganizationCreate");

export const SwitchSchema = z
  .object({ organization_id: z.uuid().openapi({ description: "One of your organizations." }) })
  .openapi("SwitchRequest");

export const LoginSchema = z
  .object({
    email: EmailSchema,
    password: z.string().min(1).max(128),
    tenant_slug: SlugSchema.optional().openapi({
      description: "Which of your tenants to sign in to; default the first.",
    }),
  })
  .openapi("LoginRequest");

export const RefreshSchema = z
  .object({
    refresh_token: z.string().min(1).max(200).optional().openapi({ description: "Omit to use the cookie." }),
  })
  .openapi("RefreshRequest");

export const PasswordChangeSchema = z
  .object({ current_password: z.string().min(1).max(128), new_password: PasswordSchema })
  .openapi("PasswordChangeRequest");

export const MeSchema = z
  .object({
    user: UserSchema,
    tenant: TenantSchema,
    role: RoleSchema,
    memberships: z.array(
      z.object({ tenant_id: z.uuid(), tenant_name: z.string(), tenant_slug: z.string(), role: RoleSchema }),
    ),
  })
  .openapi("Me");
