// `npm run db:check`: fails when the drizzle schema has changes that no migration in migrations/ carries.
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "./lib/local-stack.ts";
import { MIGRATIONS_FOLDER } from "./lib/migrate.ts";

const scratch = mkdtempSync(join(tmpdir(), "borde-migrations-"));
try {
  cpSync(MIGRATIONS_FOLDER, scratch, { recursive: true });
  const before = readdirSync(scratch).length;
  execFileSync(
    join(ROOT, "node_modules", ".bin", "drizzle-kit"),
    [
      "generate",
      "--dialect",
      "postgresql",
      "--schema",
      "./workers/db/tables.ts",
      "--casing",
      "snake_case",
      "--out",
      scratch,
    ],
    { cwd: ROOT, stdio: "pipe" },
  );
  if (readdirSync(scratch).length !== before) {
    console.error(
      "The schema has changed since the last migration: run `npm run db:generate -- --name <what>` and commit it.",
    );
    process.exit(1);
  }
  console.log("migrations match the schema");
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
