// Applies drizzle-kit's migrations over plain TCP (node-postgres): the same for PGlite, PostgreSQL and Neon.
import { join } from "node:path";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";

export const MIGRATIONS_FOLDER = join(import.meta.dirname, "..", "..", "migrations");

export async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function migrateDatabase(url: string): Promise<void> {
  await withClient(url, (client) => migrate(drizzle({ client }), { migrationsFolder: MIGRATIONS_FOLDER }));
}
