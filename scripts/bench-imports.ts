// `npm run bench:imports`: only the import figure of `npm run bench` (a generated products CSV through
// upload → read → validate → promote, on wrangler dev's local queue and R2 and the bench's database),
// for working on the pipeline without the whole bench. BENCH_IMPORT_ROWS sets the file's rows (100,000).
import { benchImports } from "./lib/bench-imports.ts";
import { startBenchStack } from "./lib/bench-stack.ts";

const stack = await startBenchStack("imports", 8797);
try {
  const rows = Number(process.env.BENCH_IMPORT_ROWS ?? 100_000);
  console.log(
    `imports, upload → validate → promote: ${JSON.stringify(await benchImports(stack.worker.url, stack.worker.child.pid, rows))}`,
  );
} finally {
  await stack.stop();
}
