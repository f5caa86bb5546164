import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import { and, asc, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../workers/config/config.ts";
import worker from "../../../workers/index.ts";
import {
  labelPendingSentiment,
  SENTIMENT_BATCH,
  SENTIMENT_SCHEMA_NAME,
} from "../../../workers/insights/sentiment.ts";
import { posts } from "../../../workers/insights/tables.ts";
import { withTestSession } from "../support/database.ts";
import { BASE, bearer, randomIp, registerTenant, type TestAccount } from "../support/identity.ts";
import { createBrand, ingest, post } from "./support.ts";

const MODEL = "gpt-sentiment-test";

/** A request the local OpenAI recorded (test/support/fake-openai.ts, which runs in Node). */
type RecordedRequest = {
  body: {
    model: string;
    messages: { role: string; content: unknown }[];
    response_format?: { type: string; json_schema?: { name: string; strict?: boolean } };
  };
};
const baseConfig = () => loadConfig(env);
const withSentimentModel = () => {
  const config = baseConfig();
  return { ...config, openai: { ...config.openai, sentimentModel: MODEL } };
};
const fakeOpenAI = (path: string) => new URL(path, baseConfig().openai.baseUrl).toString();

/** The answers the local OpenAI gives to prompts naming `fake-openai:script:<key>` (the last repeats). */
async function scriptAnswers(key: string, answers: unknown[]): Promise<void> {
  const response = await fetch(fakeOpenAI(`/__scripts/${key}`), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      answers: answers.map((answer) => (typeof answer === "string" ? answer : JSON.stringify(answer))),
    }),
  });
  expect(response.ok).toBe(true);
}

async function requestsNaming(key: string): Promise<RecordedRequest[]> {
  const all = await (await fetch(fakeOpenAI("/__requests"))).json<RecordedRequest[]>();
  return all.filter((request) => JSON.stringify(request.body.messages).includes(key));
}

async function storedSentiment(account: TestAccount, brandId: string) {
  return withTestSession((session) =>
    session.db
      .select({
        externalId: posts.externalId,
        label: posts.sentimentLabel,
        score: posts.sentimentScore,
        source: posts.sentimentSource,
      })
      .from(posts)
      .where(and(eq(posts.tenantId, account.tenantId), eq(posts.brandId, brandId)))
      .orderBy(asc(posts.id)),
  );
}

/** A brand with `count` posts whose texts name the script key, so the local OpenAI answers from it. */
async function brandWithPosts(count: number, key: string) {
  const account = await registerTenant();
  const brand = await createBrand(account);
  const items = Array.from({ length: count }, (_, index) =>
    post(`s${String(index).padStart(3, "0")}`, { text: `Me encanta, excelente fake-openai:script:${key}` }),
  );
  for (let start = 0; start < items.length; start += 100)
    await ingest(account, brand.id, items.slice(start, start + 100));
  return { account, brandId: brand.id };
}

describe("sentiment by OpenAI, in batches with a strict schema", () => {
  it("stores the model's label and score with source openai:<model>, and leaves the posts it skipped", async () => {
    const key = `sentiment-${crypto.randomUUID().slice(0, 8)}`;
    const { account, brandId } = await brandWithPosts(3, key);
    await scriptAnswers(key, [
      {
        labels: [
          { ref: "m1", label: "negative", score: -0.9 },
          { ref: "m2", label: "neutral", score: 0.1 },
          // Not a post of the batch: dropped.
          { ref: "m7", label: "positive", score: 1 },
        ],
      },
    ]);
    const outcome = await withTestSession((session) =>
      labelPendingSentiment(session, withSentimentModel(), account.tenantId, brandId, null),
    );
    expect(outcome).toEqual({ labelled: 2, sent: 3, nextAfterId: null });
    // m1, m2, m3 are the posts in id order.
    const stored = (await storedSentiment(account, brandId)).map(({ externalId: _, ...row }) => row);
    expect(stored).toEqual([
      { label: "negative", score: -0.9, source: `openai:${MODEL}` },
      { label: "neutral", score: 0.1, source: `openai:${MODEL}` },
      { label: "positive", score: expect.any(Number), source: "lexicon-v1" },
    ]);
    const [request] = await requestsNaming(key);
    expect(request?.body.model).toBe(MODEL);
    expect(request?.body.response_format).toMatchObject({
      type: "json_schema",
      json_schema: { name: SENTIMENT_SCHEMA_NAME, strict: true },
    });
  });

  it(`sends ${SENTIMENT_BATCH} posts a request, and never a post it labelled before`, async () => {
    const key = `sentiment-${crypto.randomUUID().slice(0, 8)}`;
    const { account, brandId } = await brandWithPosts(SENTIMENT_BATCH * 2 + 20, key);
    await scriptAnswers(key, [{ labels: [{ ref: "m1", label: "negative", score: -0.5 }] }]);
    const first = await withTestSession((session) =>
      labelPendingSentiment(session, withSentimentModel(), account.tenantId, brandId, null),
    );
    expect(first).toEqual({ labelled: 3, sent: SENTIMENT_BATCH * 2 + 20, nextAfterId: null });
    const requests = await requestsNaming(key);
    expect(requests).toHaveLength(3);
    const prompt = String(requests[0]?.body.messages.at(-1)?.content);
    expect(prompt.split("\n")).toHaveLength(SENTIMENT_BATCH);
    expect(prompt).toMatch(/^m1: /);
    const stored = await storedSentiment(account, brandId);
    // Each batch's first post in id order, the order batches are cut in.
    const labelledAt = stored.flatMap((row, index) => (row.source === `openai:${MODEL}` ? [index] : []));
    expect(labelledAt).toEqual([0, SENTIMENT_BATCH, SENTIMENT_BATCH * 2]);
    // A second run sends only the posts still labelled by the lexicon.
    const second = await withTestSession((session) =>
      labelPendingSentiment(session, withSentimentModel(), account.tenantId, brandId, null),
    );
    expect(second.sent).toBe(SENTIMENT_BATCH * 2 + 20 - 3);
  });

  it("keeps the lexicon's labels when the answer is not the schema's, and fails so the queue retries", async () => {
    const key = `sentiment-${crypto.randomUUID().slice(0, 8)}`;
    const { account, brandId } = await brandWithPosts(2, key);
    await scriptAnswers(key, ['{"labels": [{"ref": "m1", "label": "furious"}]}']);
    await expect(
      withTestSession((session) =>
        labelPendingSentiment(session, withSentimentModel(), account.tenantId, brandId, null),
      ),
    ).rejects.toThrow(/schema/);
    const stored = await storedSentiment(account, brandId);
    expect(stored.map((row) => row.source)).toEqual(["lexicon-v1", "lexicon-v1"]);
  });

  it("keeps the lexicon's labels, and says so, without a key or without OPENAI_SENTIMENT_MODEL", async () => {
    const key = `sentiment-${crypto.randomUUID().slice(0, 8)}`;
    const { account, brandId } = await brandWithPosts(2, key);
    const config = withSentimentModel();
    const withoutKey = { ...config, openai: { ...config.openai, apiKey: undefined } };
    const outcome = await withTestSession((session) =>
      labelPendingSentiment(session, withoutKey, account.tenantId, brandId, null),
    );
    expect(outcome).toEqual({ labelled: 0, sent: 0, nextAfterId: null });
    // The test Worker has a key but no sentiment model: the queued job changes nothing.
    const batch = createMessageBatch("borde-long-jobs", [
      {
        id: `m-${crypto.randomUUID()}`,
        timestamp: new Date(),
        attempts: 1,
        body: { type: "insights.sentiment", tenant_id: account.tenantId, brand_id: brandId },
      },
    ]);
    await worker.queue(batch, env);
    const result = await getQueueResult(batch, createExecutionContext());
    expect(result.explicitAcks).toHaveLength(1);
    expect(await requestsNaming(key)).toEqual([]);
    const stored = await storedSentiment(account, brandId);
    expect(stored.map((row) => [row.label, row.source])).toEqual([
      ["positive", "lexicon-v1"],
      ["positive", "lexicon-v1"],
    ]);
  });

  it("is queued by an ingest when configured, and the queued job relabels the ingested posts", async () => {
    const key = `sentiment-${crypto.randomUUID().slice(0, 8)}`;
    await scriptAnswers(key, [{ labels: [{ ref: "m1", label: "negative", score: -0.7 }] }]);
    const account = await registerTenant();
    const brand = await createBrand(account);
    // The queue's producer records what the Worker sends, so the test delivers it to the consumer itself.
    const sent: { body: unknown }[] = [];
    const configured = {
      ...env,
      OPENAI_SENTIMENT_MODEL: MODEL,
      LONG_JOBS: {
        sendBatch: async (messages: Iterable<{ body: unknown }>) => {
          sent.push(...messages);
        },
      },
    } as unknown as typeof env;
    const response = await worker.fetch(
      new Request(`${BASE}/api/v1/brands/${brand.id}/posts`, {
        method: "POST",
        headers: { ...bearer(account), "content-type": "application/json", "cf-connecting-ip": randomIp() },
        body: JSON.stringify({ posts: [post("q1", { text: `Excelente fake-openai:script:${key}` })] }),
      }),
      configured,
      createExecutionContext(),
    );
    expect(response.status, await response.clone().text()).toBe(200);
    expect(sent.map((message) => message.body)).toEqual([
      expect.objectContaining({
        type: "insights.sentiment",
        tenant_id: account.tenantId,
        brand_id: brand.id,
      }),
    ]);
    const batch = createMessageBatch(
      "borde-long-jobs",
      sent.map((message) => ({
        id: `m-${crypto.randomUUID()}`,
        timestamp: new Date(),
        attempts: 1,
        body: message.body,
      })),
    );
    await worker.queue(batch, configured);
    expect((await getQueueResult(batch, createExecutionContext())).explicitAcks).toHaveLength(1);
    expect(await storedSentiment(account, brand.id)).toEqual([
      { externalId: "q1", label: "negative", score: -0.7, source: `openai:${MODEL}` },
    ]);
  });
});
