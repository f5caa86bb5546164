CREATE TABLE "rank_checks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"domain" text NOT NULL,
	"keyword" text NOT NULL,
	"gl" text NOT NULL,
	"hl" text NOT NULL,
	"device" text NOT NULL,
	"status" text NOT NULL,
	"position" integer,
	"url" text,
	"title" text,
	"pages_checked" integer NOT NULL,
	"fetched_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "rank_checks" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "rank_tracking" (
	"project_id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"next_check_at" timestamp with time zone NOT NULL,
	"last_check_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "rank_tracking" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "rank_upstream_usage" (
	"tenant_id" uuid NOT NULL,
	"day" date NOT NULL,
	"calls" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "rank_upstream_usage_tenant_id_day_pk" PRIMARY KEY("tenant_id","day")
);
--> statement-breakpoint
ALTER TABLE "rank_upstream_usage" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "serp_result_pages" (
	"query" text NOT NULL,
	"gl" text NOT NULL,
	"hl" text NOT NULL,
	"device" text NOT NULL,
	"page" integer NOT NULL,
	"results" jsonb,
	"is_last" boolean DEFAULT false NOT NULL,
	"fetched_at" timestamp with time zone,
	"fetching_until" timestamp with time zone,
	"claim" uuid,
	"failure" text,
	CONSTRAINT "serp_result_pages_query_gl_hl_device_page_pk" PRIMARY KEY("query","gl","hl","device","page")
);
--> statement-breakpoint
ALTER TABLE "rank_checks" ADD CONSTRAINT "rank_checks_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rank_tracking" ADD CONSTRAINT "rank_tracking_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rank_tracking" ADD CONSTRAINT "rank_tracking_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rank_upstream_usage" ADD CONSTRAINT "rank_upstream_usage_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "rank_checks_observation_key" ON "rank_checks" USING btree ("tenant_id","domain","keyword","gl","hl","device","fetched_at");--> statement-breakpoint
CREATE INDEX "rank_tracking_next_check_idx" ON "rank_tracking" USING btree ("next_check_at");--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "rank_checks" AS PERMISSIVE FOR ALL TO "borde_app" USING ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "rank_tracking" AS PERMISSIVE FOR ALL TO "borde_app" USING ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "rank_upstream_usage" AS PERMISSIVE FOR ALL TO "borde_app" USING ("tenant_id" = nullif(current_setting('app.tenant_id', true), '')::uuid);