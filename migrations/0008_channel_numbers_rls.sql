-- Row-level security for the channel numbers, as in 0002_row_level_security.sql.
ALTER TABLE channel_numbers ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON channel_numbers TO borde_app
  USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
