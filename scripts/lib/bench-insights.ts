// The insights part of `npm run bench`: posts ingested per second through the batch route (JSON batches of
// 1,000, and one NDJSON load), and the ten modules over 10,000 posts through the long queue with the local
// OpenAI server (its valid insights answers), with the tokens the modules sent. A wrangler dev of its own,
// so OPENAI_BASE_URL points at the local server without changing what the other scenarios measure.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startFakeOpenAI } from "../../test/support/fake-openai.ts";
import { insightsAnswer } from "../../test/support/insights-answers.ts";
import { okJson, registerBenchTenant } from "./bench-tenant.ts";
import { startWranglerDev } from "./local-stack.ts";
import { newSigningKey } from "./signing-keys.ts";

const NETWORKS = ["instagram", "facebook", "tiktok", "x", "youtube", "linkedin"];
const TEXTS = [
  "Me encanta este producto, excelente calidad y envío rápido",
  "Pésimo servicio, el pedido llegó tarde y roto",
  "¿Alguien sabe si abren la tienda el domingo?",
  "Great price and the support team was really helpful",
  "Worst purchase ever, the product broke after a week",
  "Probé el nuevo modelo, muy cómodo pero un poco caro",
  "Love the new campaign with the influencer, so fun",
  "La atención al cliente no responde, qué decepción",
];

/** Deterministic posts: authors from a pool of 500, spread over 30 days of November 2026. */
function benchPost(index: number, prefix: string) {
  return {
    network: NETWORKS[index % NETWORKS.length],
    external_id: `${prefix}-${index}`,
    kind: index % 5 === 4 ? "comment" : "post",
    parent_external_id: index % 5 === 4 ? `${prefix}-${index - 1}` : null,
    url: `https://social.example/${prefix}/${index}`,
    author: {
      handle: `@author${index % 500}`,
      name: `Author ${index % 500}`,
      followers: (index * 7919) % 200_000,
    },
    text: `${TEXTS[index % TEXTS.length]} #${index % 97}`,
    published_at: new Date(Date.UTC(2026, 10, 1) + ((index * 104_729) % (30 * 86_400_000))).toISOString(),
    metrics: {
      likes: index % 300,
      comments: index % 40,
      shares: index % 25,
      views: index * 3,
      reach: index * 2,
    },
  };
}

type Analysis = {
  status: string;
  modules: { status: string; source: string; tokens: { prompt: number; completion: number } }[];
};

export async function benchInsights(options: {
  port: number;
  databaseUrl: string;
  relayAddress: string;
  batches?: number;
  analysisPosts?: number;
}) {
  const batches = options.batches ?? 20;
  const analysisPosts = options.analysisPosts ?? 10_000;
  const openai = await startFakeOpenAI(0, { answer: insightsAnswer });
  const persist = mkdtempSync(join(tmpdir(), "borde-bench-insights-"));
  const worker = await startWranglerDev({
    port: options.port,
    quiet: true,
    persistTo: persist,
    vars: {
      ENVIRONMENT: "development",
      DATABASE_URL: options.databaseUrl,
      LOCAL_DB_RELAY: options.relayAddress,
      JWT_SIGNING_KEYS: JSON.stringify([await newSigningKey()]),
      RATE_LIMIT_SCALE: "100000",
      OPENAI_API_KEY: "sk-bench-local",
      OPENAI_BASE_URL: openai.baseUrl,
    },
  });
  try {
    const access_token = await registerBenchTenant(worker.url, "bench-insights");
    const headers = { authorization: `Bearer ${access_token}`, "content-type": "application/json" };
    const newBrand = async (name: string) =>
      (
        await okJson<{ id: string }>(
          await fetch(`${worker.url}/api/v1/brands`, {
            method: "POST",
            headers,
            body: JSON.stringify({ name }),
          }),
        )
      ).id;
    const send = (brandId: string, posts: unknown[]) =>
      fetch(`${worker.url}/api/v1/brands/${brandId}/posts`, {
        method: "POST",
        headers,
        body: JSON.stringify({ posts }),
      }).then((response) => okJson<{ created: number; updated: number; rejected: number }>(response));

    // JSON batches of 1,000, two in flight at a time (one per core).
    const jsonBrand = await newBrand("Bench JSON");
    const started = performance.now();
    let stored = 0;
    for (let batch = 0; batch < batches; batch += 2) {
      const outcomes = await Promise.all(
        [batch, batch + 1]
          .filter((each) => each < batches)
          .map((each) =>
            send(
              jsonBrand,
              Array.from({ length: 1000 }, (_, index) => benchPost(each * 1000 + index, "j")),
            ),
          ),
      );
      stored += outcomes.reduce((sum, outcome) => sum + outcome.created + outcome.updated, 0);
    }
    const jsonSeconds = (performance.now() - started) / 1000;

    // The same volume again as one NDJSON load.
    const ndjsonBrand = await newBrand("Bench NDJSON");
    const lines = `${Array.from({ length: batches * 1000 }, (_, index) => JSON.stringify(benchPost(index, "n"))).join("\n")}\n`;
    const ndjsonStarted = performance.now();
    const ndjson = await okJson<{ created: number; rejected: number }>(
      await fetch(`${worker.url}/api/v1/brands/${ndjsonBrand}/posts`, {
        method: "POST",
        headers: { ...headers, "content-type": "application/x-ndjson" },
        body: lines,
      }),
    );
    const ndjsonSeconds = (performance.now() - ndjsonStarted) / 1000;

    // Ten modules over a brand of exactly `analysisPosts` posts.
    const analysisBrand = await newBrand("Bench analysis");
    for (let offset = 0; offset < analysisPosts; offset += 1000)
      await send(
        analysisBrand,
        Array.from({ length: Math.min(1000, analysisPosts - offset) }, (_, index) =>
          benchPost(offset + index, "a"),
        ),
      );
    const requestsBefore = openai.requests.length;
    const analysisStarted = performance.now();
    const queued = await okJson<{ id: string }>(
      await fetch(`${worker.url}/api/v1/brands/${analysisBrand}/analyses`, {
        method: "POST",
        headers,
        body: JSON.stringify({ from: "2026-11-01T00:00:00Z", to: "2026-12-01T00:00:00Z" }),
      }),
    );
    let analysis: Analysis;
    for (;;) {
      analysis = await okJson<Analysis>(
        await fetch(`${worker.url}/api/v1/analyses/${queued.id}`, { headers }),
      );
      if (analysis.status === "completed" || analysis.status === "failed") break;
      if (performance.now() - analysisStarted > 300_000)
        throw new Error("the analysis did not finish in 5 minutes");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const analysisSeconds = (performance.now() - analysisStarted) / 1000;
    const sentChars = openai.requests
      .slice(requestsBefore)
      .reduce((sum, request) => sum + JSON.stringify(request.body.messages).length, 0);
    return {
      json_batches_posts_per_second: Math.round(stored / jsonSeconds),
      json_posts: stored,
      ndjson_posts_per_second: Math.round(ndjson.created / ndjsonSeconds),
      ndjson_posts: ndjson.created,
      ten_modules_seconds: Math.round(analysisSeconds * 10) / 10,
      ten_modules_over_posts: analysisPosts,
      ten_modules_status: analysis.status,
      ten_modules_sources: [...new Set(analysis.modules.map((module) => module.source))],
      model_calls: openai.requests.length - requestsBefore,
      prompt_tokens_sent: analysis.modules.reduce((sum, module) => sum + module.tokens.prompt, 0),
      prompt_characters_sent: sentChars,
    };
  } finally {
    await worker.stop();
    await openai.close();
    rmSync(persist, { recursive: true, force: true });
  }
}
