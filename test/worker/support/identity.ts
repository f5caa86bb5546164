import { SELF } from "cloudflare:test";
import { expect } from "vitest";

export const BASE = "https://borde.test";

/** A signed-in person in a tenant of their own (or one they were invited to), as the API reports it. */
export type TestAccount = {
  tenantId: string;
  tenantSlug: string;
  userId: string;
  role: string;
  email: string;
  password: string;
  accessToken: string;
  refreshToken: string;
};

type Session = {
  user: { id: string; email: string };
  tenant: { id: string; slug: string };
  role: string;
  access_token: string;
  refresh_token: string;
};

/**
 * A client address per call. Cloudflare sets cf-connecting-ip itself in production; here each caller gets
 * its own, so the strict per-IP bucket of the credential routes does not throttle unrelated tests.
 */
export const randomIp = () =>
  `198.51.${Math.floor(Math.random() * 256)}.${Math.floor(Math.random() * 254) + 1}`;

const unique = () => crypto.randomUUID().slice(0, 8);

export async function postJson(path: string, body: unknown, headers: Record<string, string> = {}) {
  return SELF.fetch(`${BASE}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", "cf-connecting-ip": randomIp(), ...headers },
    body: JSON.stringify(body),
  });
}

function toAccount(session: Session, password: string): TestAccount {
  return {
    tenantId: session.tenant.id,
    tenantSlug: session.tenant.slug,
    userId: session.user.id,
    role: session.role,
    email: session.user.email,
    password,
    accessToken: session.access_token,
    refreshToken: session.refresh_token,
  };
}

/** Registers a new tenant and its owner through the API. */
export async function registerTenant(): Promise<TestAccount> {
  const id = unique();
  const password = `password-${id}-long`;
  const response = await postJson("/api/v1/auth/register", {
    email: `owner-${id}@example.com`,
    password,
    name: `Owner ${id}`,
    tenant_name: `Tenant ${id}`,
    tenant_slug: `t-${id}`,
  });
  expect(response.status, await response.clone().text()).toBe(201);
  return toAccount(await response.json<Session>(), password);
}

/** Invites a person with `role` into the owner's tenant and registers them with the invitation. */
export async function addMember(owner: TestAccount, role: string): Promise<TestAccount> {
  const id = unique();
  const email = `${role}-${id}@example.com`;
  const invitation = await postJson("/api/v1/tenants/current/members", { email, role }, bearer(owner));
  expect(invitation.status, await invitation.clone().text()).toBe(202);
  const { token } = await invitation.json<{ token: string }>();
  const password = `password-${id}-long`;
  const response = await postJson("/api/v1/auth/register", {
    email,
    password,
    name: `${role} ${id}`,
    invitation_token: token,
  });
  expect(response.status, await response.clone().text()).toBe(201);
  return toAccount(await response.json<Session>(), password);
}

/** Creates an API key for the account's tenant and returns its secret. */
export async function createApiKey(
  owner: TestAccount,
  scopes: string[],
): Promise<{ id: string; key: string }> {
  const response = await postJson("/api/v1/api-keys", { name: `key ${unique()}`, scopes }, bearer(owner));
  expect(response.status, await response.clone().text()).toBe(201);
  return response.json<{ id: string; key: string }>();
}

export const bearer = (account: TestAccount) => ({ authorization: `Bearer ${account.accessToken}` });

/** Calls the API as `account` (Bearer), with a JSON body when one is given. */
export function callAs(
  account: TestAccount | { apiKey: string },
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const auth = "apiKey" in account ? { "x-api-key": account.apiKey } : bearer(account);
  return SELF.fetch(`${BASE}${path}`, {
    method,
    headers: {
      ...auth,
      "cf-connecting-ip": randomIp(),
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** The membership id of `account` in the tenant of `admin`, as the members list reports it. */
export async function memberIdOf(admin: TestAccount, account: TestAccount): Promise<string> {
  const page = await (await callAs(admin, "GET", "/api/v1/tenants/current/members?limit=100")).json<{
    data: { id: string; user_id: string }[];
  }>();
  const id = page.data.find((row) => row.user_id === account.userId)?.id;
  if (!id) throw new Error(`${account.email} is not a member of ${admin.tenantSlug}`);
  return id;
}
