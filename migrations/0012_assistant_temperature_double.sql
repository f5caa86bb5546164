ALTER TABLE "assistants" ALTER COLUMN "temperature" SET DATA TYPE double precision;--> statement-breakpoint
ALTER TABLE "assistants" ALTER COLUMN "temperature" SET DEFAULT 0.3;