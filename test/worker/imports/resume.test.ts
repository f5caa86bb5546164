import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { products } from "../../../workers/catalog/tables.ts";
import { readFile } from "../../../workers/imports/file.ts";
import { promoteNextChunk } from "../../../workers/imports/promote.ts";
import { importBatches, importErrors, importRows } from "../../../workers/imports/tables.ts";
import worker from "../../../workers/index.ts";
import { withTestDatabase, withTestSession } from "../support/database.ts";
import { registerTenant } from "../support/identity.ts";
import { allErrors, createBatch, getBatch, uploadFile, validatedRowsBatch, waitForState } from "./support.ts";

const rows = Array.from({ length: 7 }, (_, index) => ({
  sku: `R-${index + 1}`,
  name: `Resumed ${index + 1}`,
  unit_price: "1.00",
  currency: "USD",
  external_id: `E-${index + 1}`,
}));

async function deliverPromote(tenantId: string, batchId: string) {
  const batch = createMessageBatch("borde-long-jobs", [
    {
      id: `m-${crypto.randomUUID()}`,
      timestamp: new Date(),
      attempts: 2,
      body: { type: "imports.promote", tenant_id: tenantId, batch_id: batchId },
    },
  ]);
  await worker.queue(batch, env);
  return getQueueResult(batch, createExecutionContext());
}

describe("a promotion that fails after its second chunk", () => {
  it("is retried from the chunk that failed: no row written twice, none lost", async () => {
    const tenant = await registerTenant();
    const batch = await validatedRowsBatch(tenant, { entity: "products" }, rows);
    // Promoting without the route's job, so this test drives the chunks itself.
    await withTestDatabase((db) =>
      db.update(importBatches).set({ state: "promoting" }).where(eq(importBatches.id, batch.id)),
    );
    const chunk = () => withTestSession((session) => promoteNextChunk(session, tenant.tenantId, batch.id, 2));
    expect(await chunk()).toBe("more");
    expect(await chunk()).toBe("more");

    // Another product takes the external id of row 6, so the third chunk's insert fails as a whole.
    const [blocker] = await withTestDatabase((db) =>
      db
        .insert(products)
        .values({
          tenantId: tenant.tenantId,
          sku: "BLOCKER",
          name: "x",
          unitPrice: "1",
          currency: "USD",
          externalId: "E-6",
        })
        .returning(),
    );
    await expect(chunk()).rejects.toThrow();
    const stopped = await getBatch(tenant, batch.id);
    expect(stopped.progress.promoted_through).toBe(4);
    expect(stopped.result).toEqual({ created: 4, updated: 0, unchanged: 0, failed: 0 });
    const skusAfterFailure = await withTestDatabase((db) =>
      db.select({ sku: products.sku }).from(products).where(eq(products.tenantId, tenant.tenantId)),
    );
    expect(skusAfterFailure.map((row) => row.sku).sort()).toEqual(["BLOCKER", "R-1", "R-2", "R-3", "R-4"]);

    // The cause goes away and the queue delivers the job again.
    await withTestDatabase((db) =>
      db
        .delete(products)
        .where(and(eq(products.tenantId, tenant.tenantId), eq(products.id, blocker?.id ?? ""))),
    );
    const result = await deliverPromote(tenant.tenantId, batch.id);
    expect(result.explicitAcks).toHaveLength(1);
    const done = await getBatch(tenant, batch.id);
    expect(done.state).toBe("promoted");
    expect(done.result).toEqual({ created: 7, updated: 0, unchanged: 0, failed: 0 });
    const skus = await withTestDatabase((db) =>
      db.select({ sku: products.sku }).from(products).where(eq(products.tenantId, tenant.tenantId)),
    );
    expect(skus.map((row) => row.sku).sort()).toEqual(rows.map((row) => row.sku));

    // A late duplicate delivery finds the batch promoted and writes nothing.
    await deliverPromote(tenant.tenantId, batch.id);
    expect((await getBatch(tenant, batch.id)).result).toEqual(done.result);
  });
});

describe("a file read that runs again from the start", () => {
  it("adds no row and no header warning twice", async () => {
    const tenant = await registerTenant();
    const { id } = await createBatch(tenant, { entity: "products", source_type: "csv" });
    const csv = "sku,name,unit_price,currency,colour\nF-1,First,1.00,USD,red\nF-2,Second,2.00,USD,blue\n";
    expect((await uploadFile(tenant, id, new TextEncoder().encode(csv))).status).toBe(202);
    await waitForState(tenant, id, "validated");
    const errorsBefore = await allErrors(tenant, id);
    expect(errorsBefore.map((error) => error.code)).toEqual(["unknown_column"]);

    // The job stopped after writing everything but before moving on, and the queue delivers it again.
    await withTestDatabase((db) =>
      db.update(importBatches).set({ state: "ingesting" }).where(eq(importBatches.id, id)),
    );
    expect(await withTestSession((session) => readFile(session, env.FILES, tenant.tenantId, id))).toBe(true);

    expect(await allErrors(tenant, id)).toEqual(errorsBefore);
    const stored = await withTestDatabase((db) =>
      db.select({ row: importRows.row }).from(importRows).where(eq(importRows.batchId, id)),
    );
    expect(stored.map((row) => row.row).sort()).toEqual([2, 3]);
    const warnings = await withTestDatabase((db) =>
      db.select({ code: importErrors.code }).from(importErrors).where(eq(importErrors.batchId, id)),
    );
    expect(warnings).toHaveLength(1);
  });
});
