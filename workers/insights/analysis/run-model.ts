import type OpenAI from "openai";
import { strictResponseFormat } from "../../ai/structured-output.ts";
import type { ModuleDefinition, ModuleInput } from "./modules.ts";

/** An invalid answer is asked again at most this many times. */
export const MAX_RETRIES = 2;

export type ModelOutcome =
  | { kind: "valid"; answer: Record<string, unknown>; attempts: number; usage: Usage; raw: string }
  /** The model answered, but never validly: the last answer and what was wrong with it. */
  | { kind: "invalid"; attempts: number; usage: Usage; raw: string; errors: string[] }
  /** The model did not answer (error, timeout, cut stream) on the last attempt. */
  | { kind: "unavailable"; attempts: number; usage: Usage; errors: string[] };

export type Usage = { prompt: number; completion: number };

/** The refs an answer cites: every string in an `examples` array, anywhere in it. */
export function citedRefs(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(citedRefs);
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([key, item]) =>
    key === "examples" && Array.isArray(item)
      ? item.filter((ref) => typeof ref === "string")
      : citedRefs(item),
  );
}

/**
 * The answer with every `examples` ref replaced by the id of the post it names, so a stored result cites
 * posts a client can fetch. Refs are short only to spare the model's tokens; they mean nothing outside the
 * sample. An unknown ref (never in a validated answer) is dropped.
 */
export function citingPostIds(value: unknown, idOf: ReadonlyMap<string, string>): unknown {
  if (Array.isArray(value)) return value.map((item) => citingPostIds(item, idOf));
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [
      key,
      key === "examples" && Array.isArray(item)
        ? item.flatMap((ref) => (typeof ref === "string" ? (idOf.get(ref) ?? []) : []))
        : citingPostIds(item, idOf),
    ]),
  );
}

/** What is wrong with the model's text as an answer of the module, or the answer when nothing is. */
export function validateAnswer(
  definition: ModuleDefinition,
  input: ModuleInput,
  raw: string,
): { answer: Record<string, unknown> } | { errors: string[] } {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { errors: ["the answer is not JSON"] };
  }
  const parsed = definition.answer.safeParse(json);
  if (!parsed.success)
    return {
      errors: parsed.error.issues.map((issue) => `${issue.path.join(".") || "answer"}: ${issue.message}`),
    };
  const known = new Set(input.sample.map((post) => post.ref));
  const errors = [
    ...citedRefs(parsed.data)
      .filter((ref) => !known.has(ref))
      .map((ref) => `examples: ${ref} is not a post of the sample`),
    ...(definition.check?.(parsed.data, input) ?? []),
  ];
  return errors.length > 0 ? { errors } : { answer: parsed.data };
}

function prompt(definition: ModuleDefinition, input: ModuleInput): string {
  const { brand, sample } = input;
  const posts = sample
    .map(
      (post) =>
        `${post.ref} [${post.network} ${post.publishedAt.slice(0, 10)} @${post.authorHandle ?? "?"} eng=${post.engagement}] ${post.text.replace(/\s+/g, " ")}`,
    )
    .join("\n");
  return [
    `Brand: ${brand.name}${brand.competitorNames.length ? ` (competitors: ${brand.competitorNames.join(", ")})` : ""}`,
    brand.desiredProfile ? `Desired personality: ${JSON.stringify(brand.desiredProfile)}` : "",
    `Computed from all ${input.facts.posts} posts of the window: ${JSON.stringify(definition.computed(input))}`,
    `Sample of ${sample.length} posts (ref [network date author engagement] text):`,
    posts || "(no posts)",
  ]
    .filter(Boolean)
    .join("\n");
}

/** Streams one completion and returns its text and usage; a stream that ends early throws. */
async function complete(
  client: OpenAI,
  model: string,
  messages: OpenAI.ChatCompletionMessageParam[],
  definition: ModuleDefinition,
  timeoutMs: number,
): Promise<{ content: string; usage: Usage }> {
  const stream = await client.chat.completions.create(
    {
      model,
      messages,
      stream: true,
      stream_options: { include_usage: true },
      response_format: strictResponseFormat(
        `insights_${definition.module}_v${definition.version}`,
        definition.answer,
      ),
    },
    { timeout: timeoutMs },
  );
  let content = "";
  let finished = false;
  const usage: Usage = { prompt: 0, completion: 0 };
  for await (const chunk of stream) {
    const choice = chunk.choices[0];
    content += choice?.delta.content ?? "";
    if (choice?.finish_reason) finished = true;
    if (chunk.usage) {
      usage.prompt = chunk.usage.prompt_tokens;
      usage.completion = chunk.usage.completion_tokens;
    }
  }
  if (!finished) throw new Error("the stream ended before the answer was complete");
  return { content, usage };
}

/**
 * Asks the model for a module's interpretation as a strict structured output, and validates the answer
 * (schema, refinements, cited refs, the module's own checks). An invalid answer or a failed call is asked
 * again, at most MAX_RETRIES times, telling the model what was wrong. `deadline` bounds the whole.
 */
export async function askModel(
  client: OpenAI,
  model: string,
  definition: ModuleDefinition,
  input: ModuleInput,
  timeoutMs: number,
  deadline: number,
): Promise<ModelOutcome> {
  const messages: OpenAI.ChatCompletionMessageParam[] = [
    {
      role: "system",
      content: `You analyse social media posts about a brand for its marketing team. ${definition.instructions} Use only the posts and figures given; cite posts by their ref (p1, p2 …). Answer in the JSON schema given.`,
    },
    { role: "user", content: prompt(definition, input) },
  ];
  const usage: Usage = { prompt: 0, completion: 0 };
  let last: ModelOutcome = {
    kind: "unavailable",
    attempts: 0,
    usage,
    errors: ["no attempt was made in time"],
  };
  for (let attempt = 1; attempt <= MAX_RETRIES + 1; attempt++) {
    const remaining = deadline - Date.now();
    if (remaining < 100) break;
    try {
      const { content, usage: spent } = await complete(
        client,
        model,
        messages,
        definition,
        Math.min(timeoutMs, remaining),
      );
      usage.prompt += spent.prompt;
      usage.completion += spent.completion;
      const checked = validateAnswer(definition, input, content);
      if ("answer" in checked)
        return { kind: "valid", answer: checked.answer, attempts: attempt, usage, raw: content };
      last = { kind: "invalid", attempts: attempt, usage, raw: content, errors: checked.errors };
      messages.push(
        { role: "assistant", content },
        {
          role: "user",
          content: `That answer is invalid: ${checked.errors.join("; ")}. Answer again, fixing it.`,
        },
      );
    } catch (error) {
      last = {
        kind: "unavailable",
        attempts: attempt,
        usage,
        errors: [error instanceof Error ? error.message : String(error)],
      };
    }
  }
  return last;
}
