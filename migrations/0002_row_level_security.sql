-- Row-level security, the second line of tenant isolation (the first is the tenant filter in every query).
-- Tenant-scoped work runs as the role borde_app inside a transaction that sets app.tenant_id; the
-- policies show it only that tenant's rows, and none at all when the setting is missing. System work
-- (login, key lookup, registration) runs as the owner of the tables, which the policies do not bind.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'borde_app') THEN
    CREATE ROLE borde_app NOLOGIN;
  END IF;
END
$$;
--> statement-breakpoint
GRANT borde_app TO CURRENT_USER;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO borde_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO borde_app;
--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO borde_app;
--> statement-breakpoint
ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON tenants TO borde_app
  USING (id = nullif(current_setting('app.tenant_id', true), '')::uuid);
--> statement-breakpoint
ALTER TABLE memberships ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON memberships TO borde_app
  USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
--> statement-breakpoint
ALTER TABLE invitations ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON invitations TO borde_app
  USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
--> statement-breakpoint
ALTER TABLE api_keys ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON api_keys TO borde_app
  USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
