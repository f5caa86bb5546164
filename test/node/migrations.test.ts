import { readdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmbeddedPostgres, startEmbeddedPostgres } from "../../scripts/lib/embedded-postgres.ts";
import { MIGRATIONS_FOLDER, migrateDatabase, withClient } from "../../scripts/lib/migrate.ts";

/**
 * Migrations applied to an empty database: the embedded one, or a fresh database created on the
 * PostgreSQL server of TEST_DATABASE_URL (and dropped after).
 */
let databaseUrl: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  const server = process.env.TEST_DATABASE_URL;
  if (!server) {
    const embedded: EmbeddedPostgres = await startEmbeddedPostgres();
    databaseUrl = embedded.url;
    cleanup = embedded.stop;
    return;
  }
  const name = `borde_migrations_${Date.now()}`;
  await withClient(server, (client) => client.query(`create database ${name}`));
  const url = new URL(server);
  url.pathname = `/${name}`;
  databaseUrl = url.toString();
  cleanup = () =>
    withClient(server, (client) => client.query(`drop database ${name} with (force)`)).then(() => undefined);
});

afterAll(() => cleanup());

const migrationFiles = readdirSync(MIGRATIONS_FOLDER).filter((file) => file.endsWith(".sql"));

describe("migrations", () => {
  it("build the schema on an empty database, and a second run changes nothing", async () => {
    await migrateDatabase(databaseUrl);
    await migrateDatabase(databaseUrl);
    await withClient(databaseUrl, async (client) => {
      const applied = await client.query("select count(*)::int as count from drizzle.__drizzle_migrations");
      expect(applied.rows[0].count).toBe(migrationFiles.length);
      const tables = await client.query(
        "select table_name from information_schema.tables where table_schema = 'public' order by table_name",
      );
      expect(tables.rows.map((row) => row.table_name)).toEqual(expect.arrayContaining(["tenants", "users"]));
    });
  });

  it("enforce the unique keys the code relies on", async () => {
    await withClient(databaseUrl, async (client) => {
      await client.query("insert into users (email, password_hash) values ('Ana@Example.com', 'x')");
      await expect(
        client.query("insert into users (email, password_hash) values ('ana@example.com', 'y')"),
      ).rejects.toThrow(/users_email_lower_key/);
      await client.query("insert into tenants (name, slug) values ('A', 'a')");
      await expect(client.query("insert into tenants (name, slug) values ('B', 'a')")).rejects.toThrow(
        /unique/,
      );
    });
  });
});
