import type { Context } from "hono";
import { userOf } from "../../access/authorize.ts";
import type { AppEnv } from "../../http/app-env.ts";
import { fieldErrors } from "../../http/errors.ts";
import { jsonBody, jsonResponse } from "../../http/openapi.ts";
import { HttpProblem, validationProblem } from "../../http/problem.ts";
import { RouteGroup } from "../../http/route-kit.ts";
import { ACCESS_TOKEN_TTL_SECONDS } from "../access-tokens.ts";
import {
  LoginSchema,
  MeSchema,
  PasswordChangeSchema,
  RefreshSchema,
  RegisterSchema,
  renderTenant,
  renderUser,
  SessionSchema,
  SwitchSchema,
} from "../api-schemas.ts";
import { clearSessionCookies, readRefreshCookie, setSessionCookies } from "../cookies.ts";
import { tenantsOfUser } from "../memberships.ts";
import {
  changePassword,
  type IssuedSession,
  login,
  logout,
  refresh,
  register,
  switchTenant,
} from "../sessions.ts";
import { findUserById } from "../users.ts";

function sessionResponse(c: Context<AppEnv>, session: IssuedSession) {
  setSessionCookies(c, session);
  return {
    user: renderUser(session.user),
    tenant: renderTenant(session.tenant),
    role: session.role,
    token_type: "Bearer" as const,
    access_token: session.accessToken,
    expires_in: ACCESS_TOKEN_TTL_SECONDS,
    refresh_token: session.refreshToken,
    refresh_expires_at: session.refreshExpiresAt.toISOString(),
  };
}

/** An empty or absent body is allowed on refresh and logout (the cookie carries the token). */
async function optionalRefreshToken(c: Context<AppEnv>): Promise<string | undefined> {
  const text = await c.req.text();
  if (text.trim() === "") return readRefreshCookie(c);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw validationProblem([{ path: "body", message: "is not valid JSON" }]);
  }
  const parsed = RefreshSchema.safeParse(json);
  if (!parsed.success) throw validationProblem(fieldErrors(parsed.error, "json"));
  return parsed.data.refresh_token ?? readRefreshCookie(c);
}

const routes = new RouteGroup("Auth");

routes.add(
  {
    method: "post",
    path: "/api/v1/auth/register",
    operationId: "register",
    summary: "Create an account: a new tenant you own, or join one by invitation",
    access: "public",
    request: { body: jsonBody(RegisterSchema) },
    responses: { 201: jsonResponse(SessionSchema, "Registered and signed in; session cookies are set") },
    problems: [409],
  },
  async (c) => {
    const body = c.req.valid("json");
    const common = { email: body.email, password: body.password, name: body.name };
    const session = await register(
      c.get("config"),
      c.get("database"),
      body.invitation_token
        ? { ...common, invitationToken: body.invitation_token }
        : { ...common, tenantName: body.tenant_name ?? "", tenantSlug: body.tenant_slug ?? "" },
    );
    c.header("Location", "/api/v1/auth/me");
    return c.json(sessionResponse(c, session), 201);
  },
);

routes.add(
  {
    method: "post",
    path: "/api/v1/auth/login",
    operationId: "login",
    summary: "Sign in with email and password",
    access: "public",
    request: { body: jsonBody(LoginSchema) },
    responses: { 200: jsonResponse(SessionSchema, "Signed in; session cookies are set") },
    problems: [401, 403],
  },
  async (c) => {
    const body = c.req.valid("json");
    const session = await login(c.get("config"), c.get("database"), {
      email: body.email,
      password: body.password,
      tenantSlug: body.tenant_slug,
    });
    return c.json(sessionResponse(c, session), 200);
  },
);

routes.add(
  {
    method: "post",
    path: "/api/v1/auth/refresh",
    operationId: "refreshSession",
    summary: "Exchange a refresh token (body or cookie) for a new session; the old token stops working",
    description: "Presenting a refresh token that was already used revokes every token of that session.",
    access: "public",
    request: { body: { ...jsonBody(RefreshSchema), required: false } },
    responses: { 200: jsonResponse(SessionSchema, "A new access and refresh token") },
    problems: [401],
  },
  async (c) => {
    const token = await optionalRefreshToken(c);
    if (!token)
      throw new HttpProblem("invalid-refresh-token", "Send refresh_token in the body or the refresh cookie.");
    const session = await refresh(c.get("config"), c.get("database"), token, c.get("log"));
    return c.json(sessionResponse(c, session), 200);
  },
);

routes.add(
  {
    method: "post",
    path: "/api/v1/auth/logout",
    operationId: "logout",
    summary: "End the session: its refresh tokens are revoked and the cookies cleared",
    access: "public",
    request: { body: { ...jsonBody(RefreshSchema), required: false } },
    responses: { 204: { description: "Signed out" } },
  },
  async (c) => {
    await logout(c.get("database"), await optionalRefreshToken(c), c.get("principal"));
    clearSessionCookies(c);
    return c.body(null, 204);
  },
);

routes.add(
  {
    method: "get",
    path: "/api/v1/auth/me",
    operationId: "getMe",
    summary: "Who you are, in which tenant, with which role",
    access: { role: "viewer" },
    responses: { 200: jsonResponse(MeSchema, "The signed-in person") },
  },
  async (c) => {
    const principal = userOf(c);
    const db = c.get("database").db;
    const [user, memberships] = await Promise.all([
      findUserById(db, principal.userId),
      tenantsOfUser(db, principal.userId),
    ]);
    const current = memberships.find((membership) => membership.tenant.id === principal.tenantId);
    if (!user || !current)
      throw new HttpProblem("unauthenticated", "This session's account or membership no longer exists.");
    return c.json(
      {
        user: renderUser(user),
        tenant: renderTenant(current.tenant),
        role: current.role,
        memberships: memberships.map((membership) => ({
          tenant_id: membership.tenant.id,
          tenant_name: membership.tenant.name,
          tenant_slug: membership.tenant.slug,
          role: membership.role,
        })),
      },
      200,
    );
  },
);

routes.add(
  {
    method: "post",
    path: "/api/v1/auth/password",
    operationId: "changePassword",
    summary: "Change your password; every other session is signed out",
    access: { role: "viewer" },
    request: { body: jsonBody(PasswordChangeSchema) },
    responses: { 204: { description: "Changed" } },
  },
  async (c) => {
    const body = c.req.valid("json");
    await changePassword(c.get("database"), userOf(c), {
      currentPassword: body.current_password,
      newPassword: body.new_password,
    });
    return c.body(null, 204);
  },
);

routes.add(
  {
    method: "post",
    path: "/api/v1/auth/switch",
    operationId: "switchOrganization",
    summary: "Move your session to another of your organizations: new tokens there; the current session ends",
    access: { role: "viewer" },
    request: { body: jsonBody(SwitchSchema) },
    responses: { 200: jsonResponse(SessionSchema, "A session in the organization; session cookies are set") },
    problems: [404],
  },
  async (c) => {
    const { organization_id } = c.req.valid("json");
    const session = await switchTenant(c.get("config"), c.get("database"), userOf(c), organization_id);
    return c.json(sessionResponse(c, session), 200);
  },
);

export const registerAuthRoutes = routes.register;
