import { type BuildExtraConfigColumns, sql } from "drizzle-orm";
import {
  index,
  type PgColumnBuilderBase,
  type PgTableExtraConfigValue,
  pgTable,
  text,
  unique,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { PLANS, ROLES } from "../access/roles.ts";
import { at, createdAt, id, ownerId, timestamps } from "../db/columns.ts";
import { tenantIsolation } from "../db/policies.ts";

export const tenants = pgTable(
  "tenants",
  {
    id: id(),
    name: text("name").notNull(),
    slug: text("slug").notNull().unique(),
    plan: text("plan", { enum: PLANS }).notNull().default("free"),
    ...timestamps(),
  },
  () => [tenantIsolation("id")],
);

/** The owning tenant of a tenant table's row; its rows go with the tenant. */
export const tenantIdColumn = () => ownerId("tenant_id", () => tenants.id);

const tenantRowColumns = () => ({ id: id(), tenantId: tenantIdColumn() });

/**
 * A table of tenants' rows: an id and the owning tenant come first, then `columns`; after the table's own
 * indexes and constraints (`extra`), its row-level security (tenantIsolation, db/policies.ts).
 */
export function tenantTable<Name extends string, Columns extends Record<string, PgColumnBuilderBase>>(
  name: Name,
  columns: Columns,
  extra: (
    table: BuildExtraConfigColumns<Name, ReturnType<typeof tenantRowColumns> & Columns, "pg">,
  ) => PgTableExtraConfigValue[] = () => [],
) {
  return pgTable(name, { ...tenantRowColumns(), ...columns }, (table) => [
    ...extra(table),
    tenantIsolation(),
  ]);
}

export const users = pgTable(
  "users",
  {
    id: id(),
    email: text("email").notNull(),
    name: text("name").notNull().default(""),
    passwordHash: text("password_hash").notNull(),
    status: text("status", { enum: ["active", "disabled"] })
      .notNull()
      .default("active"),
    ...timestamps(),
  },
  // Emails are unique whatever their case: Ana@x.com and ana@x.com are one person.
  (table) => [uniqueIndex("users_email_lower_key").on(sql`lower(${table.email})`)],
);

export const memberships = tenantTable(
  "memberships",
  {
    userId: ownerId("user_id", () => users.id),
    role: text("role", { enum: ROLES }).notNull(),
    ...timestamps(),
  },
  (table) => [
    unique("memberships_tenant_user_key").on(table.tenantId, table.userId),
    index("memberships_user_idx").on(table.userId),
  ],
);

export const invitations = tenantTable(
  "invitations",
  {
    email: text("email").notNull(),
    role: text("role", { enum: ROLES }).notNull(),
    tokenHash: text("token_hash").notNull().unique(),
    invitedBy: uuid("invited_by").references(() => users.id, { onDelete: "set null" }),
    expiresAt: at("expires_at").notNull(),
    acceptedAt: at("accepted_at"),
    revokedAt: at("revoked_at"),
    createdAt: createdAt(),
  },
  (table) => [index("invitations_tenant_idx").on(table.tenantId)],
);

/**
 * Refresh tokens, stored as SHA-256 hashes. Every use rotates a token within its family; presenting a
 * token that was already rotated means it was stolen or replayed, and the whole family is revoked.
 */
export const refreshTokens = pgTable(
  "refresh_tokens",
  {
    id: id(),
    userId: ownerId("user_id", () => users.id),
    tenantId: tenantIdColumn(),
    familyId: uuid("family_id").notNull(),
    tokenHash: text("token_hash").notNull().unique(),
    expiresAt: at("expires_at").notNull(),
    rotatedAt: at("rotated_at"),
    revokedAt: at("revoked_at"),
    createdAt: createdAt(),
  },
  (table) => [
    index("refresh_tokens_family_idx").on(table.familyId),
    index("refresh_tokens_user_idx").on(table.userId),
    tenantIsolation(),
  ],
);

export const apiKeys = tenantTable(
  "api_keys",
  {
    name: text("name").notNull(),
    /** The public part of the key, shown in lists so people can tell keys apart. */
    prefix: text("prefix").notNull().unique(),
    secretHash: text("secret_hash").notNull(),
    scopes: text("scopes").array().notNull(),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    lastUsedAt: at("last_used_at"),
    expiresAt: at("expires_at"),
    revokedAt: at("revoked_at"),
    createdAt: createdAt(),
  },
  (table) => [index("api_keys_tenant_idx").on(table.tenantId)],
);
