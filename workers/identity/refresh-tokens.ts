import { and, eq, gt, isNull, ne } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { randomToken, sha256Hex } from "../lib/crypto.ts";
import { uuidv7 } from "../lib/uuid.ts";
import { refreshTokens } from "./tables.ts";

export const REFRESH_TOKEN_TTL_SECONDS = 30 * 24 * 60 * 60;

export type IssuedRefreshToken = { token: string; familyId: string; expiresAt: Date };

/** Issues a refresh token, in a new family (a new login) unless one is given (a rotation). */
export async function issueRefreshToken(
  db: Database,
  owner: { userId: string; tenantId: string; familyId?: string },
): Promise<IssuedRefreshToken> {
  const token = `rt_${randomToken()}`;
  const familyId = owner.familyId ?? uuidv7();
  const expiresAt = new Date(Date.now() + REFRESH_TOKEN_TTL_SECONDS * 1000);
  await db.insert(refreshTokens).values({
    userId: owner.userId,
    tenantId: owner.tenantId,
    familyId,
    tokenHash: await sha256Hex(token),
    expiresAt,
  });
  return { token, familyId, expiresAt };
}

export type Rotation =
  | { outcome: "rotated"; userId: string; tenantId: string; familyId: string }
  | { outcome: "reused"; userId: string; familyId: string }
  | { outcome: "invalid" };

/**
 * Marks a live refresh token used. Exactly one caller can win the conditional update, so a token is
 * never rotated twice; a token that was already rotated is reported as reused.
 */
export async function useRefreshToken(db: Database, token: string): Promise<Rotation> {
  const tokenHash = await sha256Hex(token);
  const now = new Date();
  const [used] = await db
    .update(refreshTokens)
    .set({ rotatedAt: now })
    .where(
      and(
        eq(refreshTokens.tokenHash, tokenHash),
        isNull(refreshTokens.rotatedAt),
        isNull(refreshTokens.revokedAt),
        gt(refreshTokens.expiresAt, now),
      ),
    )
    .returning();
  if (used)
    return { outcome: "rotated", userId: used.userId, tenantId: used.tenantId, familyId: used.familyId };
  const [known] = await db
    .select()
    .from(refreshTokens)
    .where(eq(refreshTokens.tokenHash, tokenHash))
    .limit(1);
  if (known?.rotatedAt && !known.revokedAt)
    return { outcome: "reused", userId: known.userId, familyId: known.familyId };
  return { outcome: "invalid" };
}

export async function familyOfToken(db: Database, token: string): Promise<string | undefined> {
  const [row] = await db
    .select({ familyId: refreshTokens.familyId })
    .from(refreshTokens)
    .where(eq(refreshTokens.tokenHash, await sha256Hex(token)))
    .limit(1);
  return row?.familyId;
}

export async function revokeFamily(db: Database, familyId: string): Promise<void> {
  await db
    .update(refreshTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)));
}

/** Ends every session of a user but the one named (after a password change). */
export async function revokeOtherFamilies(db: Database, userId: string, keepFamilyId: string): Promise<void> {
  await db
    .update(refreshTokens)
    .set({ revokedAt: new Date() })
    .where(
      and(
        eq(refreshTokens.userId, userId),
        ne(refreshTokens.familyId, keepFamilyId),
        isNull(refreshTokens.revokedAt),
      ),
    );
}
