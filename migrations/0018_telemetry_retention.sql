ALTER TABLE "telemetry_settings" ADD COLUMN "metric_points_retention_days" integer;--> statement-breakpoint
ALTER TABLE "telemetry_settings" ADD COLUMN "log_records_retention_days" integer;