import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../http/app-env.ts";
import { fieldErrors } from "../../http/errors.ts";
import { jsonBody, jsonResponse, SIGNED_IN } from "../../http/openapi.ts";
import { problemResponses } from "../../http/openapi-responses.ts";
import { HttpProblem, validationProblem } from "../../http/problem.ts";
import { ACCESS_TOKEN_TTL_SECONDS } from "../access-tokens.ts";
import {
  EmailSchema,
  PasswordSchema,
  RoleSchema,
  renderTenant,
  renderUser,
  SessionSchema,
  TenantSchema,
  UserSchema,
} from "../api-schemas.ts";
import { authorize, userOf } from "../authorize.ts";
import { clearSessionCookies, readRefreshCookie, setSessionCookies } from "../cookies.ts";
import { tenantsOfUser } from "../memberships.ts";
import { changePassword, type IssuedSession, login, logout, refresh, register } from "../sessions.ts";
import { findUserById } from "../users.ts";

const SlugSchema = z
  .string()
  .regex(/^[a-z0-9](?:[a-z0-9-]{1,38}[a-z0-9])$/, "3 to 40 lowercase letters, digits or dashes")
  .openapi({ example: "acme" });

const RegisterSchema = z
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

const LoginSchema = z
  .object({
    email: EmailSchema,
    password: z.string().min(1).max(128),
    tenant_slug: SlugSchema.optional().openapi({
      description: "Which of your tenants to sign in to; default the first.",
    }),
  })
  .openapi("LoginRequest");

const RefreshSchema = z
  .object({
    refresh_token: z.string().min(1).max(200).optional().openapi({ description: "Omit to use the cookie." }),
  })
  .openapi("RefreshRequest");

const PasswordChangeSchema = z
  .object({ current_password: z.string().min(1).max(128), new_password: PasswordSchema })
  .openapi("PasswordChangeRequest");

const MeSchema = z
  .object({
    user: UserSchema,
    tenant: TenantSchema,
    role: RoleSchema,
    memberships: z.array(
      z.object({ tenant_id: z.uuid(), tenant_name: z.string(), tenant_slug: z.string(), role: RoleSchema }),
    ),
  })
  .openapi("Me");

const TAGS = ["Auth"];

const registerRoute = createRoute({
  method: "post",
  path: "/api/v1/auth/register",
  operationId: "register",
  tags: TAGS,
  summary: "Create an account: a new tenant you own, or join one by invitation",
  request: { body: jsonBody(RegisterSchema) },
  responses: {
    201: jsonResponse(SessionSchema, "Registered and signed in; session cookies are set"),
    ...problemResponses(409),
  },
});

const loginRoute = createRoute({
  method: "post",
  path: "/api/v1/auth/login",
  operationId: "login",
  tags: TAGS,
  summary: "Sign in with email and password",
  request: { body: jsonBody(LoginSchema) },
  responses: {
    200: jsonResponse(SessionSchema, "Signed in; session cookies are set"),
    ...problemResponses(401, 403),
  },
});

const refreshRoute = createRoute({
  method: "post",
  path: "/api/v1/auth/refresh",
  operationId: "refreshSession",
  tags: TAGS,
  summary: "Exchange a refresh token (body or cookie) for a new session; the old token stops working",
  description: "Presenting a refresh token that was already used revokes every token of that session.",
  request: { body: { ...jsonBody(RefreshSchema), required: false } },
  responses: { 200: jsonResponse(SessionSchema, "A new access and refresh token"), ...problemResponses(401) },
});

const logoutRoute = createRoute({
  method: "post",
  path: "/api/v1/auth/logout",
  operationId: "logout",
  tags: TAGS,
  summary: "End the session: its refresh tokens are revoked and the cookies cleared",
  request: { body: { ...jsonBody(RefreshSchema), required: false } },
  responses: { 204: { description: "Signed out" }, ...problemResponses() },
});

const meRoute = createRoute({
  method: "get",
  path: "/api/v1/auth/me",
  operationId: "getMe",
  tags: TAGS,
  summary: "Who you are, in which tenant, with which role",
  security: SIGNED_IN,
  middleware: [authorize({ role: "viewer" })] as const,
  responses: { 200: jsonResponse(MeSchema, "The signed-in person"), ...problemResponses(401, 403) },
});

const passwordRoute = createRoute({
  method: "post",
  path: "/api/v1/auth/password",
  operationId: "changePassword",
  tags: TAGS,
  summary: "Change your password; every other session is signed out",
  security: SIGNED_IN,
  middleware: [authorize({ role: "viewer" })] as const,
  request: { body: jsonBody(PasswordChangeSchema) },
  responses: { 204: { description: "Changed" }, ...problemResponses(401, 403) },
});

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

export function registerAuthRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(registerRoute, async (c) => {
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
  });

  app.openapi(loginRoute, async (c) => {
    const body = c.req.valid("json");
    const session = await login(c.get("config"), c.get("database"), {
      email: body.email,
      password: body.password,
      tenantSlug: body.tenant_slug,
    });
    return c.json(sessionResponse(c, session), 200);
  });

  app.openapi(refreshRoute, async (c) => {
    const token = await optionalRefreshToken(c);
    if (!token)
      throw new HttpProblem("invalid-refresh-token", "Send refresh_token in the body or the refresh cookie.");
    const session = await refresh(c.get("config"), c.get("database"), token);
    return c.json(sessionResponse(c, session), 200);
  });

  app.openapi(logoutRoute, async (c) => {
    await logout(c.get("database"), await optionalRefreshToken(c), c.get("principal"));
    clearSessionCookies(c);
    return c.body(null, 204);
  });

  app.openapi(meRoute, async (c) => {
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
  });

  app.openapi(passwordRoute, async (c) => {
    const body = c.req.valid("json");
    await changePassword(c.get("database"), userOf(c), {
      currentPassword: body.current_password,
      newPassword: body.new_password,
    });
    return c.body(null, 204);
  });
}
