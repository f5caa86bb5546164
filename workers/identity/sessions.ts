import type { Principal } from "../access/principal.ts";
import type { Role } from "../access/roles.ts";
import type { Config } from "../config/config.ts";
import type { Database, DatabaseSession } from "../db/client.ts";
import { HttpProblem, notFound } from "../http/problem.ts";
import type { Logger } from "../lib/log.ts";
import { signAccessToken } from "./access-tokens.ts";
import { acceptInvitation, type Invitation } from "./invitations.ts";
import { addMembership, getMember, type Member, tenantsOfUser } from "./memberships.ts";
import { decoyPasswordHash, hashPassword, needsRehash, verifyPassword } from "./password.ts";
import {
  familyOfToken,
  issueRefreshToken,
  revokeFamily,
  revokeOtherFamilies,
  useRefreshToken,
} from "./refresh-tokens.ts";
import { createTenant, findTenantBySlug, getTenant, type Tenant } from "./tenants.ts";
import { createUser, findUserByEmail, findUserById, setPasswordHash, type User } from "./users.ts";

/** What a successful login, registration or refresh hands back. */
export type IssuedSession = {
  user: User;
  tenant: Tenant;
  role: Role;
  accessToken: string;
  refreshToken: string;
  refreshExpiresAt: Date;
  sessionId: string;
};

const invalidCredentials = () => new HttpProblem("invalid-credentials", "Email or password is wrong.");
const invalidInvitation = () =>
  new HttpProblem("invalid-invitation", "The invitation is invalid, expired, used, or for another email.");
const invalidRefresh = () =>
  new HttpProblem("invalid-refresh-token", "The refresh token is invalid, expired or revoked.");

async function issue(
  config: Config,
  db: Database,
  user: User,
  tenant: Tenant,
  role: Role,
  familyId?: string,
): Promise<IssuedSession> {
  const refresh = await issueRefreshToken(db, { userId: user.id, tenantId: tenant.id, familyId });
  const accessToken = await signAccessToken(config, {
    sub: user.id,
    tid: tenant.id,
    role,
    plan: tenant.plan,
    sid: refresh.familyId,
  });
  return {
    user,
    tenant,
    role,
    accessToken,
    refreshToken: refresh.token,
    refreshExpiresAt: refresh.expiresAt,
    sessionId: refresh.familyId,
  };
}

export type Registration = { email: string; password: string; name: string } & (
  | { tenantName: string; tenantSlug: string }
  | { invitationToken: string }
);

/** Creates a person and either a new tenant they own or, by invitation, a membership of an existing one. */
export async function register(
  config: Config,
  session: DatabaseSession,
  input: Registration,
): Promise<IssuedSession> {
  const passwordHash = await hashPassword(input.password);
  return session.db.transaction(async (db) => {
    if (await findUserByEmail(db, input.email)) {
      throw new HttpProblem("conflict", "An account with this email exists; sign in instead.");
    }
    const user = await createUser(db, { email: input.email, name: input.name, passwordHash });
    if ("invitationToken" in input) {
      const invitation = await claimInvitation(db, input.invitationToken, input.email);
      const tenant = await getTenant(db, invitation.tenantId);
      if (!tenant) throw invalidInvitation();
      await addMembership(db, { tenantId: tenant.id, userId: user.id, role: invitation.role });
      return issue(config, db, user, tenant, invitation.role);
    }
    if (await findTenantBySlug(db, input.tenantSlug)) {
      throw new HttpProblem("conflict", `The tenant slug "${input.tenantSlug}" is taken.`);
    }
    const tenant = await createTenant(db, { name: input.tenantName, slug: input.tenantSlug });
    await addMembership(db, { tenantId: tenant.id, userId: user.id, role: "owner" });
    return issue(config, db, user, tenant, "owner");
  });
}

/** Claims an open invitation addressed to `email`; throws (so the transaction rolls back) otherwise. */
async function claimInvitation(db: Database, token: string, email: string): Promise<Invitation> {
  const invitation = await acceptInvitation(db, token);
  if (!invitation || invitation.email.toLowerCase() !== email.toLowerCase()) throw invalidInvitation();
  return invitation;
}

/** An existing person joins the tenant that invited them; null when they are a member already. */
export async function joinByInvitation(
  session: DatabaseSession,
  userId: string,
  token: string,
): Promise<Member | null> {
  return session.db.transaction(async (db) => {
    const user = await findUserById(db, userId);
    if (!user) throw invalidInvitation();
    const invitation = await claimInvitation(db, token, user.email);
    const membership = await addMembership(db, {
      tenantId: invitation.tenantId,
      userId,
      role: invitation.role,
    });
    if (!membership) throw new HttpProblem("conflict", "You are already a member of this tenant.");
    return getMember(db, invitation.tenantId, membership.id);
  });
}

/**
 * Signs a person in to one of their tenants (the named one, else the first they joined). An unknown email
 * and a wrong password get the same answer after the same amount of work.
 */
export async function login(
  config: Config,
  session: DatabaseSession,
  input: { email: string; password: string; tenantSlug?: string | undefined },
): Promise<IssuedSession> {
  const db = session.db;
  const user = await findUserByEmail(db, input.email);
  const passwordOk = await verifyPassword(input.password, user?.passwordHash ?? (await decoyPasswordHash()));
  if (!user || !passwordOk || user.status !== "active") throw invalidCredentials();
  if (needsRehash(user.passwordHash)) await setPasswordHash(db, user.id, await hashPassword(input.password));
  const memberships = await tenantsOfUser(db, user.id);
  const chosen = input.tenantSlug
    ? memberships.find((membership) => membership.tenant.slug === input.tenantSlug)
    : memberships[0];
  if (!chosen) throw new HttpProblem("forbidden", "You are not a member of this tenant.");
  return issue(config, db, user, chosen.tenant, chosen.role);
}

/** Rotates a refresh token. Presenting one that was already rotated revokes its whole family. */
export async function refresh(
  config: Config,
  session: DatabaseSession,
  token: string,
  log: Logger,
): Promise<IssuedSession> {
  return session.db
    .transaction(async (db) => {
      const rotation = await useRefreshToken(db, token);
      if (rotation.outcome === "reused") {
        await revokeFamily(db, rotation.familyId);
        log.warn("refresh token reuse detected, session family revoked", {
          user_id: rotation.userId,
          family_id: rotation.familyId,
        });
      }
      if (rotation.outcome !== "rotated") return null;
      const user = await findUserById(db, rotation.userId);
      const tenant = await getTenant(db, rotation.tenantId);
      // The role is read again, so a changed or removed membership takes effect at the next refresh.
      const membership = (await tenantsOfUser(db, rotation.userId)).find(
        (entry) => entry.tenant.id === rotation.tenantId,
      );
      if (user?.status !== "active" || !tenant || !membership) return null;
      return issue(config, db, user, tenant, membership.role, rotation.familyId);
    })
    .then((issued) => {
      // Thrown outside the transaction so the family revocation above is committed.
      if (!issued) throw invalidRefresh();
      return issued;
    });
}

/**
 * Moves a person's login session to another of their tenants: a new session there, and the current one
 * ends. Another tenant's id the person is not a member of is unknown (404), like any foreign id.
 */
export async function switchTenant(
  config: Config,
  session: DatabaseSession,
  principal: Extract<Principal, { kind: "user" }>,
  tenantId: string,
): Promise<IssuedSession> {
  return session.db.transaction(async (db) => {
    const user = await findUserById(db, principal.userId);
    const membership = (await tenantsOfUser(db, principal.userId)).find(
      (entry) => entry.tenant.id === tenantId,
    );
    if (user?.status !== "active") throw new HttpProblem("unauthenticated", "This account no longer exists.");
    if (!membership) throw notFound("organization of yours");
    await revokeFamily(db, principal.sessionId);
    return issue(config, db, user, membership.tenant, membership.role);
  });
}

/** Ends the login session the refresh token belongs to (or the caller's current one). */
export async function logout(
  session: DatabaseSession,
  refreshToken: string | undefined,
  principal?: Principal,
) {
  const familyId =
    (refreshToken ? await familyOfToken(session.db, refreshToken) : undefined) ??
    (principal?.kind === "user" ? principal.sessionId : undefined);
  if (familyId) await revokeFamily(session.db, familyId);
}

/** Changes the password and ends every other session of the person. */
export async function changePassword(
  session: DatabaseSession,
  principal: Extract<Principal, { kind: "user" }>,
  input: { currentPassword: string; newPassword: string },
): Promise<void> {
  const user = await findUserById(session.db, principal.userId);
  if (!user || !(await verifyPassword(input.currentPassword, user.passwordHash))) {
    throw new HttpProblem("validation-error", "The current password is wrong.", {
      errors: [{ path: "body.current_password", message: "does not match" }],
    });
  }
  const passwordHash = await hashPassword(input.newPassword);
  await session.db.transaction(async (db) => {
    await setPasswordHash(db, user.id, passwordHash);
    await revokeOtherFamilies(db, user.id, principal.sessionId);
  });
}
