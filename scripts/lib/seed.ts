// The demo tenant and its owner that `npm run dev` creates, so a fresh clone can sign in at once.
import { hashPassword } from "../../workers/identity/password.ts";
import { withClient } from "./migrate.ts";

export const DEMO = {
  tenantName: "Demo Company",
  tenantSlug: "demo",
  email: "demo@borde.dev",
  password: "borde-demo-password",
  name: "Demo Owner",
};

/** Idempotent: a second run finds everything in place and changes nothing. */
export async function seedDemo(databaseUrl: string): Promise<void> {
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
    await client.query("commit");
  });
}
