DROP INDEX "import_rows_match_idx";--> statement-breakpoint
CREATE INDEX "import_rows_key_idx" ON "import_rows" USING btree ("batch_id","match_key","row");