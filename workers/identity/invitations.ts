import { and, eq, gt, isNull } from "drizzle-orm";
import type { Role } from "../access/roles.ts";
import type { Database } from "../db/client.ts";
import { findTenantRow, revokeTenantRow } from "../db/tenant-rows.ts";
import { listTenantRows, type Page } from "../http/pagination.ts";
import { randomToken, sha256Hex } from "../lib/crypto.ts";
import { invitations } from "./tables.ts";

export type Invitation = typeof invitations.$inferSelect;

const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/** Creates an invitation; the token is returned once and only its hash is kept. */
export async function createInvitation(
  db: Database,
  tenantId: string,
  values: { email: string; role: Role; invitedBy: string | null },
): Promise<{ invitation: Invitation; token: string }> {
  const token = `inv_${randomToken()}`;
  const [invitation] = await db
    .insert(invitations)
    .values({
      ...values,
      tenantId,
      tokenHash: await sha256Hex(token),
      expiresAt: new Date(Date.now() + INVITATION_TTL_MS),
    })
    .returning();
  if (!invitation) throw new Error("insert returned no invitation");
  return { invitation, token };
}

export const listInvitations = (db: Database, tenantId: string, page: Page): Promise<Invitation[]> =>
  listTenantRows(db, invitations, tenantId, page, isNull(invitations.revokedAt));

export const getInvitation = (db: Database, tenantId: string, id: string): Promise<Invitation | null> =>
  findTenantRow(db, invitations, tenantId, id, isNull(invitations.revokedAt));

/** Revokes a pending invitation; false when there is none with this id in this tenant. */
export const revokeInvitation = (db: Database, tenantId: string, id: string): Promise<boolean> =>
  revokeTenantRow(db, invitations, tenantId, id);

/** Claims an open invitation by its token (system context, at registration); null when none is open. */
export async function acceptInvitation(db: Database, token: string): Promise<Invitation | null> {
  const [invitation] = await db
    .update(invitations)
    .set({ acceptedAt: new Date() })
    .where(
      and(
        eq(invitations.tokenHash, await sha256Hex(token)),
        isNull(invitations.acceptedAt),
        isNull(invitations.revokedAt),
        gt(invitations.expiresAt, new Date()),
      ),
    )
    .returning();
  return invitation ?? null;
}
