// `npm run db:reset`: wipes the local data (embedded database and local Durable Object storage).
import { rmSync } from "node:fs";
import { LOCAL_DATA_DIR } from "./lib/local-stack.ts";

rmSync(LOCAL_DATA_DIR, { recursive: true, force: true });
console.log("local data removed; the next `npm run dev` starts from an empty, migrated database");
