-- Row-level security for projects and audits, as 0002 does for the identity tables: tenant-scoped work
-- (role borde_app, app.tenant_id set) sees only its tenant's rows; the queue consumer and the cron
-- trigger run as the owner of the tables, which the policies do not bind.
ALTER TABLE projects ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON projects TO borde_app
  USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
--> statement-breakpoint
ALTER TABLE audits ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON audits TO borde_app
  USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
