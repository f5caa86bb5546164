// `npm run bench:alerts`: only the alerts figure of `npm run bench` (one evaluation cycle of 1,000 rules over
// 10,000 series, on wrangler dev's local queue and the bench's database), for working on the evaluation
// without the whole bench. BENCH_ALERT_RULES sets the rules (1,000), ten series each.
import { benchAlerts } from "./lib/bench-alerts.ts";
import { startBenchStack } from "./lib/bench-stack.ts";

const stack = await startBenchStack("alerts", 8798);
try {
  const rules = Number(process.env.BENCH_ALERT_RULES ?? 1000);
  const figures = await benchAlerts(stack.worker.url, stack.database.databaseUrl, { rules });
  console.log(`alerts, one evaluation cycle of ${rules} rules: ${JSON.stringify(figures)}`);
} finally {
  await stack.stop();
}
