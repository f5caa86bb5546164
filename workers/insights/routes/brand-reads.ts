import type { Context } from "hono";
import type { Database } from "../../db/client.ts";
import type { AppEnv } from "../../http/app-env.ts";
import { notFound } from "../../http/problem.ts";
import { tenantRead } from "../../http/route-kit.ts";
import { brandExists } from "../posts.ts";

/** Reads a brand's rows in one transaction; 404 for a brand the tenant does not have. */
export async function readOfBrand<T>(
  c: Context<AppEnv>,
  brandId: string,
  read: (db: Database, tenantId: string) => Promise<T>,
): Promise<T> {
  const found = await tenantRead(c, async (db, tenantId) =>
    (await brandExists(db, tenantId, brandId)) ? { rows: await read(db, tenantId) } : null,
  );
  if (!found) throw notFound("brand");
  return found.rows;
}
