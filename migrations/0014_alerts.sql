CREATE TABLE "alert_rules" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"name" text NOT NULL,
	"selector" text NOT NULL,
	"function" text NOT NULL,
	"window_seconds" integer NOT NULL,
	"comparator" text NOT NULL,
	"threshold" double precision NOT NULL,
	"for_seconds" integer DEFAULT 0 NOT NULL,
	"keep_firing_for_seconds" integer DEFAULT 0 NOT NULL,
	"severity" text DEFAULT 'warning' NOT NULL,
	"labels" jsonb NOT NULL,
	"annotations" jsonb NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "alert_rules" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "alert_rules" ADD CONSTRAINT "alert_rules_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "alert_rules_tenant_idx" ON "alert_rules" USING btree ("tenant_id","id");--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "alert_rules" AS PERMISSIVE FOR ALL TO "borde_app" USING ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);