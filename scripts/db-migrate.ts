// `npm run db:migrate`: applies migrations to DATABASE_URL, or to the embedded database in .borde/pgdata.
import { join } from "node:path";
import { startEmbeddedPostgres } from "./lib/embedded-postgres.ts";
import { LOCAL_DATA_DIR } from "./lib/local-stack.ts";
import { migrateDatabase } from "./lib/migrate.ts";

const url = process.env.DATABASE_URL;
if (url) {
  await migrateDatabase(url);
  console.log("migrations applied to DATABASE_URL");
} else {
  const embedded = await startEmbeddedPostgres({ dataDir: join(LOCAL_DATA_DIR, "pgdata") });
  await migrateDatabase(embedded.url);
  await embedded.stop();
  console.log("migrations applied to the embedded database in .borde/pgdata");
}
