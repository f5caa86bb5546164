CREATE TABLE "audits" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"project_id" uuid NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"trigger" text DEFAULT 'manual' NOT NULL,
	"idempotency_key" text,
	"scheduled_slot" timestamp with time zone,
	"pages_planned" integer DEFAULT 0 NOT NULL,
	"pages_done" integer DEFAULT 0 NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"score" integer,
	"result" jsonb,
	"error" text,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "audits_tenant_idempotency_key" UNIQUE("tenant_id","idempotency_key"),
	CONSTRAINT "audits_project_slot_key" UNIQUE("project_id","scheduled_slot")
);
--> statement-breakpoint
CREATE TABLE "projects" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"name" text NOT NULL,
	"site_url" text NOT NULL,
	"keywords" text[] DEFAULT '{}'::text[] NOT NULL,
	"schedule" text DEFAULT 'off' NOT NULL,
	"max_pages" integer DEFAULT 10 NOT NULL,
	"last_audit_at" timestamp with time zone,
	"next_audit_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "audits" ADD CONSTRAINT "audits_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audits" ADD CONSTRAINT "audits_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "projects" ADD CONSTRAINT "projects_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audits_tenant_idx" ON "audits" USING btree ("tenant_id","id");--> statement-breakpoint
CREATE INDEX "audits_project_idx" ON "audits" USING btree ("project_id","id");--> statement-breakpoint
CREATE INDEX "audits_active_idx" ON "audits" USING btree ("tenant_id","status") WHERE "audits"."status" IN ('queued', 'running');--> statement-breakpoint
CREATE INDEX "projects_tenant_idx" ON "projects" USING btree ("tenant_id","id");--> statement-breakpoint
CREATE INDEX "projects_next_audit_idx" ON "projects" USING btree ("next_audit_at") WHERE "projects"."next_audit_at" IS NOT NULL;