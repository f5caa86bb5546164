// The import figure for `npm run bench`: a generated products CSV through upload → read and validate →
// promote, on wrangler dev's local queue and R2 and the bench's database, timed end to end, with the
// resident memory of the Worker's processes sampled throughout (the file is streamed, so it should not
// grow with the file).
import { readdir, readFile } from "node:fs/promises";
import { okJson, registerBenchTenant } from "./bench-tenant.ts";

/** A products file of `rows` rows, in the shape Spanish spreadsheets export: `;` and decimal commas. */
export function productsCsv(rows: number): Blob {
  const lines = ["Código;Nombre;Categoría;Precio unitario;Moneda;IVA %;Existencias"];
  for (let index = 1; index <= rows; index++) {
    const cents = (index * 37) % 100_000;
    lines.push(
      `SKU-${index};"Producto ${index}; lote ${index % 97}";Cat ${index % 20};${Math.floor(cents / 100)},${String(cents % 100).padStart(2, "0")};USD;15;${index % 500}`,
    );
  }
  return new Blob([`\ufeff${lines.join("\r\n")}\r\n`]);
}

/**
 * Resident memory (bytes) of a process and all its descendants, read from /proc without blocking: the
 * bench's event loop also serves the embedded database, so a synchronous sample (a `ps` per child, four
 * times a second) would stall every query while it ran.
 */
async function treeRss(pid: number): Promise<number> {
  const read = (path: string) => readFile(path, "utf8").catch(() => "");
  const status = await read(`/proc/${pid}/status`);
  const rss = Number(status.match(/VmRSS:\s+(\d+)/)?.[1] ?? 0) * 1024;
  const tasks = await readdir(`/proc/${pid}/task`).catch(() => []);
  const children = (await Promise.all(tasks.map((task) => read(`/proc/${pid}/task/${task}/children`))))
    .flatMap((list) => list.split(" "))
    .map(Number)
    .filter((child) => child > 0);
  const below = await Promise.all(children.map(treeRss));
  return below.reduce((sum, childRss) => sum + childRss, rss);
}

type Batch = { id: string; state: string; failure_reason: string | null; preview: unknown; result: unknown };

export async function benchImports(workerUrl: string, workerPid: number | undefined, rows: number) {
  const accessToken = await registerBenchTenant(workerUrl, "bench-imports");
  const headers = { authorization: `Bearer ${accessToken}` };
  const call = (method: string, path: string, body?: unknown) =>
    fetch(`${workerUrl}${path}`, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  await okJson(
    await call("PUT", "/api/v1/settings/fields/products", {
      fields: [
        { field: "sku", aliases: ["codigo"] },
        { field: "name", aliases: ["nombre"] },
        { field: "category", aliases: ["categoria"] },
        { field: "unit_price", aliases: ["precio unitario"] },
        { field: "currency", aliases: ["moneda"] },
        { field: "tax_rate", aliases: ["iva %"] },
        { field: "stock", aliases: ["existencias"] },
      ],
    }),
  );
  const file = productsCsv(rows);
  const baselineRss = workerPid ? await treeRss(workerPid) : 0;
  let peakRss = baselineRss;
  const sampler = setInterval(async () => {
    if (workerPid) peakRss = Math.max(peakRss, await treeRss(workerPid));
  }, 250);
  /** When each state was first seen: the read job's end is the batch's move to `validating`. */
  const seenAt = new Map<string, number>();
  /** Status reads answered 503: the local database is one process, busy with the batch's transactions. */
  let refusedReads = 0;
  const waitFor = async (batchId: string, state: string) => {
    for (;;) {
      const response = await call("GET", `/api/v1/imports/batches/${batchId}`);
      if (response.status === 503) {
        // As a client should: wait as long as Retry-After says, then ask again.
        refusedReads++;
        await response.body?.cancel();
        await new Promise((resolve) =>
          setTimeout(resolve, Number(response.headers.get("retry-after") ?? 1) * 1000),
        );
        continue;
      }
      const batch = await okJson<Batch>(response);
      if (!seenAt.has(batch.state)) seenAt.set(batch.state, performance.now());
      if (batch.state === state) return batch;
      if (batch.state === "failed") throw new Error(`import failed: ${batch.failure_reason}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  try {
    const started = performance.now();
    const batch = await okJson<Batch>(
      await call("POST", "/api/v1/imports/batches", {
        entity: "products",
        source_type: "csv",
        decimal_comma: true,
      }),
    );
    await okJson(
      await fetch(`${workerUrl}/api/v1/imports/batches/${batch.id}/file`, {
        method: "PUT",
        headers: { ...headers, "content-type": "text/csv" },
        body: file,
      }),
    );
    const uploaded = performance.now();
    const validated = await waitFor(batch.id, "validated");
    const validatedAt = performance.now();
    await okJson(await call("POST", `/api/v1/imports/batches/${batch.id}/promote`));
    const promoted = await waitFor(batch.id, "promoted");
    const done = performance.now();
    const seconds = (done - started) / 1000;
    const readAt = seenAt.get("validating") ?? validatedAt;
    const stage = (from: number, to: number) => ({
      seconds: Number(((to - from) / 1000).toFixed(2)),
      rows_per_second: Math.round(rows / ((to - from) / 1000)),
    });
    return {
      rows,
      file_bytes: file.size,
      upload: stage(started, uploaded),
      read: stage(uploaded, readAt),
      validate: stage(readAt, validatedAt),
      promote: stage(validatedAt, done),
      seconds: Number(seconds.toFixed(2)),
      rows_per_second: Math.round(rows / seconds),
      preview: validated.preview,
      result: promoted.result,
      status_reads_refused: refusedReads,
      worker_rss_baseline_mb: Math.round(baselineRss / 2 ** 20),
      worker_rss_peak_mb: Math.round(peakRss / 2 ** 20),
    };
  } finally {
    clearInterval(sampler);
  }
}
