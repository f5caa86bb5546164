import { and, eq, gt, isNull } from "drizzle-orm";
import type { Role } from "../access/roles.ts";
import type { Database } from "../db/client.ts";
import { tenantRow } from "../db/tenant-rows.ts";
import { type Page, tenantPage } from "../http/pagination.ts";
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

export function listInvitations(db: Database, tenantId: string, page: Page): Promise<Invitation[]> {
  return tenantPage(
    db.select().from(invitations).$dynamic(),
    invitations,
    tenantId,
    page,
    isNull(invitations.revokedAt),
  );
}

export async function getInvitation(
  db: Database,
  tenantId: string,
  id: string,
): Promise<Invitation | undefined> {
  const [invitation] = await db
    .select()
    .from(invitations)
    .where(tenantRow(invitations, tenantId, id, isNull(invitations.revokedAt)))
    .limit(1);
  return invitation;
}

/** Revokes a pending invitation; false when there is none with this id in this tenant. */
export async function revokeInvitation(db: Database, tenantId: string, id: string): Promise<boolean> {
  const rows = await db
    .update(invitations)
    .set({ revokedAt: new Date() })
    .where(tenantRow(invitations, tenantId, id, isNull(invitations.revokedAt)))
    .returning({ id: invitations.id });
  return rows.length > 0;
}

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
