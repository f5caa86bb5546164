-- The tenant policies are declared in the drizzle schema from now on (tenantIsolation() beside each table),
-- so drizzle-kit writes them; the next migration creates them again under the same name. This drops the
-- ones 0002, 0004, 0006 and 0008 wrote by hand, which drizzle-kit's snapshots do not know. Row-level
-- security stays enabled, and both run in the migrator's one transaction, so no moment is unprotected.
DROP POLICY tenant_isolation ON tenants;
--> statement-breakpoint
DROP POLICY tenant_isolation ON memberships;
--> statement-breakpoint
DROP POLICY tenant_isolation ON invitations;
--> statement-breakpoint
DROP POLICY tenant_isolation ON api_keys;
--> statement-breakpoint
DROP POLICY tenant_isolation ON projects;
--> statement-breakpoint
DROP POLICY tenant_isolation ON audits;
--> statement-breakpoint
DROP POLICY tenant_isolation ON contacts;
--> statement-breakpoint
DROP POLICY tenant_isolation ON conversations;
--> statement-breakpoint
DROP POLICY tenant_isolation ON messages;
--> statement-breakpoint
DROP POLICY tenant_isolation ON conversation_events;
--> statement-breakpoint
DROP POLICY tenant_isolation ON assistants;
--> statement-breakpoint
DROP POLICY tenant_isolation ON widget_keys;
--> statement-breakpoint
DROP POLICY tenant_isolation ON channel_numbers;
