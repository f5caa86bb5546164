// The demo tenant and its owner that `npm run dev` creates, so a fresh clone can sign in at once.
import { hashPassword } from "../../workers/identity/password.ts";
import { DEMO_WIDGET_KEY } from "../../workers/webchat/demo.ts";
import { withClient } from "./migrate.ts";

export const DEMO = {
  tenantName: "Demo Company",
  tenantSlug: "demo",
  email: "demo@borde.dev",
  password: "borde-demo-password",
  name: "Demo Owner",
  widgetKey: DEMO_WIDGET_KEY,
  /** The origins `npm run dev` serves the demo page on, by default. */
  widgetOrigins: ["http://localhost:8787", "http://127.0.0.1:8787"],
  assistantName: "Demo assistant",
  // Demo data, like the password above: the seeded tenant's assistant instructions.
  assistantInstructions: "You are the friendly assistant of Demo Company. Answer briefly and helpfully.",
};

/**
 * Idempotent: a second run finds everything in place and changes nothing. `widgetOrigins` adds origins
 * to the demo widget key (the browser test serves the demo page on a spare port).
 */
export async function seedDemo(databaseUrl: string, widgetOrigins: string[] = []): Promise<void> {
  const passwordHash = await hashPassword(DEMO.password);
  await withClient(databaseUrl, async (client) => {
    await client.query("begin");
    await client.query("insert into tenants (name, slug) values ($1, $2) on conflict (slug) do nothing", [
      DEMO.tenantName,
      DEMO.tenantSlug,
    ]);
    await client.query(
      "insert into users (email, name, password_hash) values ($1, $2, $3) on conflict (lower(email)) do nothing",
      [DEMO.email, DEMO.name, passwordHash],
    );
    await client.query(
      `insert into memberships (tenant_id, user_id, role)
       select t.id, u.id, 'owner' from tenants t, users u where t.slug = $1 and lower(u.email) = lower($2)
       on conflict (tenant_id, user_id) do nothing`,
      [DEMO.tenantSlug, DEMO.email],
    );
    await client.query(
      `insert into widget_keys (tenant_id, name, key, allowed_origins)
       select t.id, 'Demo page', $2, $3::text[] from tenants t where t.slug = $1
       on conflict (key) do update set allowed_origins = (
         select array_agg(distinct origin) from unnest(widget_keys.allowed_origins || excluded.allowed_origins) origin)`,
      [DEMO.tenantSlug, DEMO.widgetKey, [...DEMO.widgetOrigins, ...widgetOrigins]],
    );
    await client.query(
      `insert into assistants (tenant_id, name, model, instructions)
       select t.id, $2, 'gpt-4o-mini', $3 from tenants t where t.slug = $1
       and not exists (select from assistants a where a.tenant_id = t.id)`,
      [DEMO.tenantSlug, DEMO.assistantName, DEMO.assistantInstructions],
    );
    await client.query("commit");
  });
}
