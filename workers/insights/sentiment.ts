import { asc, gt, sql } from "drizzle-orm";
import type OpenAI from "openai";
import { z } from "zod";
import { openAIClient } from "../ai/openai-client.ts";
import { strictResponseFormat } from "../ai/structured-output.ts";
import type { Config } from "../config/config.ts";
import type { DatabaseSession } from "../db/client.ts";
import { tenantRowsWith } from "../db/tenant-rows.ts";
import { LANGUAGE_METHOD } from "./language/text-analysis.ts";
import { posts, SENTIMENT_LABELS } from "./tables.ts";

/**
 * Sentiment by OpenAI (OPENAI_SENTIMENT_MODEL with OPENAI_API_KEY): after an ingest, a job on the long-work
 * queue sends the brand's posts still labelled by the in-Worker lexicon to the model, SENTIMENT_BATCH at a
 * time, as a strict structured output, and stores each label and score with `sentiment_source`
 * "openai:<model>". Without the setting or the key the lexicon's label stays, and its source says so.
 */
export const SENTIMENT_BATCH = 50;
/** Batches one message labels; the rest goes to a new message, so no job runs for long. */
export const BATCHES_PER_JOB = 5;
/** Characters of a post's text the model reads. */
const TEXT_CHARS = 1_000;

export const openAISentimentSource = (model: string) => `openai:${model}`;

/** The model that labels sentiment, or null when none is configured (the lexicon's labels stay). */
export const sentimentModelOf = (config: Config): string | null =>
  config.openai.apiKey && config.openai.sentimentModel ? config.openai.sentimentModel : null;

export const SENTIMENT_SCHEMA_NAME = "post_sentiment_v1";

const AnswerSchema = z.object({
  labels: z.array(
    z.object({
      ref: z.string().describe("The post's ref, as given (m1, m2 …)."),
      label: z.enum(SENTIMENT_LABELS),
      score: z.number().min(-1).max(1).describe("From −1 (most negative) to 1 (most positive)."),
    }),
  ),
});

export type SentimentLabelling = { label: (typeof SENTIMENT_LABELS)[number]; score: number };

/**
 * The labels of the model's answer by ref. Refs that were not asked about, and repeats, are dropped; a post
 * the answer leaves out keeps the lexicon's label. Throws on an answer that is not the schema's, so the
 * queue retries the message.
 */
export function readSentimentAnswer(raw: string, refs: string[]): Map<string, SentimentLabelling> {
  const parsed = AnswerSchema.safeParse(JSON.parse(raw));
  if (!parsed.success)
    throw new Error(`the sentiment answer does not match its schema: ${parsed.error.message}`);
  const asked = new Set(refs);
  const labels = new Map<string, SentimentLabelling>();
  for (const { ref, label, score } of parsed.data.labels)
    if (asked.has(ref) && !labels.has(ref)) labels.set(ref, { label, score });
  return labels;
}

type Pending = { id: string; text: string; digest: string };

export const sentimentPrompt = (batch: Pending[]) =>
  batch
    .map((post, index) => `m${index + 1}: ${post.text.slice(0, TEXT_CHARS).replace(/\s+/g, " ")}`)
    .join("\n");

async function askModel(client: OpenAI, model: string, batch: Pending[], timeoutMs: number) {
  const completion = await client.chat.completions.create(
    {
      model,
      messages: [
        {
          role: "system",
          content:
            "You label the sentiment of social media posts (Spanish or English) towards the brand or product they talk about: positive, negative or neutral, with a score from -1 (most negative) to 1 (most positive). Label every post, by its ref.",
        },
        { role: "user", content: sentimentPrompt(batch) },
      ],
      response_format: strictResponseFormat(SENTIMENT_SCHEMA_NAME, AnswerSchema),
    },
    { timeout: timeoutMs },
  );
  const content = completion.choices[0]?.message.content;
  if (!content) throw new Error("the sentiment answer is empty");
  return readSentimentAnswer(
    content,
    batch.map((_, index) => `m${index + 1}`),
  );
}

export type SentimentOutcome = { labelled: number; sent: number; nextAfterId: string | null };

/**
 * Labels the brand's posts still labelled by the lexicon, in id order after `afterId`, up to BATCHES_PER_JOB
 * batches; `nextAfterId` says where a next message carries on (null when none is left). A post whose text
 * changed while the model read it keeps the lexicon's label of the new text.
 */
export async function labelPendingSentiment(
  session: DatabaseSession,
  config: Config,
  tenantId: string,
  brandId: string,
  afterId: string | null,
): Promise<SentimentOutcome> {
  const model = sentimentModelOf(config);
  const client = openAIClient(config);
  const outcome: SentimentOutcome = { labelled: 0, sent: 0, nextAfterId: null };
  if (!model || !client) return outcome;
  let after = afterId;
  for (let batchNumber = 0; batchNumber < BATCHES_PER_JOB; batchNumber++) {
    const cursor = after;
    const batch = await session.tenant(
      tenantId,
      (db) =>
        db
          .select({ id: posts.id, text: posts.text, digest: sql<string>`md5(${posts.text})` })
          .from(posts)
          .where(
            tenantRowsWith(
              posts,
              tenantId,
              { brandId, sentimentSource: LANGUAGE_METHOD },
              cursor ? gt(posts.id, cursor) : undefined,
            ),
          )
          .orderBy(asc(posts.id))
          .limit(SENTIMENT_BATCH),
      { readOnly: true },
    );
    if (batch.length === 0) return outcome;
    const labels = await askModel(client, model, batch, config.openai.timeoutMs);
    outcome.sent += batch.length;
    const rows = batch.flatMap((post, index) => {
      const labelled = labels.get(`m${index + 1}`);
      return labelled ? [{ id: post.id, digest: post.digest, ...labelled }] : [];
    });
    if (rows.length > 0) {
      const { rowCount } = await session.tenant(tenantId, (db) =>
        db.execute(sql`
          UPDATE ${posts} SET sentiment_label = l.label, sentiment_score = l.score,
            sentiment_source = ${openAISentimentSource(model)}
          FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
            AS l (id uuid, digest text, label text, score double precision)
          WHERE ${posts.id} = l.id AND ${posts.tenantId} = ${tenantId}
            AND ${posts.sentimentSource} = ${LANGUAGE_METHOD} AND md5(${posts.text}) = l.digest`),
      );
      outcome.labelled += rowCount ?? 0;
    }
    after = batch[batch.length - 1]?.id ?? null;
    if (batch.length < SENTIMENT_BATCH) return outcome;
  }
  return { ...outcome, nextAfterId: after };
}
