// A local HTTP server that speaks OpenAI's chat-completions wire format, so the real `openai` SDK can be
// exercised with no network. What it answers is steered by markers in the prompt, so test files running
// in parallel never share a script:
//   fake-openai:malformed  a 200 whose content is not the JSON asked for (or, streaming, a broken chunk)
//   fake-openai:timeout    no answer until long after any client timeout
//   fake-openai:error      a 500 in OpenAI's error format
//   fake-openai:cut        (streaming) a few deltas, then the connection drops
//   fake-openai:script:<key>  the next of the answers a test stored with `POST /__scripts/<key>`
//                          (`{ "answers": [content | { "cut": true } | { "error": 500 }] }`), the last repeating
// Anything else gets a deterministic answer: the `answer` option's, if it gives one (the insights modules'
// valid answers), else for `response_format: json_schema` an instance of the schema. A streamed request
// with `stream_options.include_usage` ends with a usage chunk estimating four characters a token.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  minItems?: number;
  minimum?: number;
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  definitions?: Record<string, JsonSchema>;
};

export type ChatRequest = {
  model: string;
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  messages: { role: string; content: unknown }[];
  response_format?: { type: string; json_schema?: { name: string; schema: JsonSchema } };
};

export type RecordedRequest = { path: string; authorization: string | undefined; body: ChatRequest };

/** The smallest value that satisfies `schema`, with readable strings. */
export function exampleOf(schema: JsonSchema, root: JsonSchema = schema, name = "value"): unknown {
  if (schema.$ref) {
    const key = schema.$ref.split("/").pop() ?? "";
    const target = root.$defs?.[key] ?? root.definitions?.[key];
    return target ? exampleOf(target, root, name) : null;
  }
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  if (schema.anyOf?.[0]) return exampleOf(schema.anyOf[0], root, name);
  const type = Array.isArray(schema.type) ? schema.type.find((entry) => entry !== "null") : schema.type;
  switch (type) {
    case "object":
      return Object.fromEntries(
        Object.entries(schema.properties ?? {}).map(([key, value]) => [key, exampleOf(value, root, key)]),
      );
    case "array":
      return Array.from({ length: Math.max(1, schema.minItems ?? 1) }, () =>
        exampleOf(schema.items ?? {}, root, name),
      );
    case "integer":
    case "number":
      return schema.minimum ?? 1;
    case "boolean":
      return true;
    case "null":
      return null;
    default:
      return `fake ${name}`;
  }
}

const textOf = (content: unknown): string =>
  typeof content === "string"
    ? content
    : Array.isArray(content)
      ? content.map((part) => (part as { text?: string }).text ?? "").join(" ")
      : "";

/** The deterministic reply to a conversation: it quotes the last user message, so tests can recognise it. */
export function fakeReplyTo(messages: ChatRequest["messages"]): string {
  const lastUser = [...messages].reverse().find((message) => message.role === "user");
  return `Fake assistant reply to: ${textOf(lastUser?.content).slice(0, 200)}`;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(body));
}

const completion = (model: string, content: string) => ({
  id: `chatcmpl-${crypto.randomUUID()}`,
  object: "chat.completion",
  created: Math.floor(Date.now() / 1000),
  model,
  choices: [{ index: 0, message: { role: "assistant", content, refusal: null }, finish_reason: "stop" }],
  usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
});

const estimatedTokens = (text: string) => Math.ceil(text.length / 4);

/** A JSON answer streamed in pieces of this many characters (it has no spaces to split at). */
const JSON_PIECE = 64;

function streamReply(
  response: ServerResponse,
  body: ChatRequest,
  reply: string,
  cut: boolean,
  prompt: string,
): void {
  response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  const id = `chatcmpl-${crypto.randomUUID()}`;
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
    `data: ${JSON.stringify({
      id,
      object: "chat.completion.chunk",
      created: Math.floor(Date.now() / 1000),
      model: body.model,
      choices: [{ index: 0, delta, finish_reason: finish }],
    })}\n\n`;
  const tokens =
    body.response_format?.type === "json_schema"
      ? (reply.match(new RegExp(`[\\s\\S]{1,${JSON_PIECE}}`, "g")) ?? [])
      : reply.split(/(?<= )/);
  const usage = {
    prompt_tokens: estimatedTokens(prompt),
    completion_tokens: estimatedTokens(reply),
    total_tokens: estimatedTokens(prompt) + estimatedTokens(reply),
  };
  response.write(chunk({ role: "assistant", content: "" }));
  let sent = 0;
  const timer = setInterval(() => {
    if (cut && sent === 2) {
      clearInterval(timer);
      response.socket?.destroy();
      return;
    }
    const token = tokens[sent];
    if (token === undefined) {
      clearInterval(timer);
      response.write(chunk({}, "stop"));
      if (body.stream_options?.include_usage)
        response.write(
          `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created: Math.floor(Date.now() / 1000), model: body.model, choices: [], usage })}\n\n`,
        );
      response.end("data: [DONE]\n\n");
      return;
    }
    response.write(chunk({ content: token }));
    sent++;
  }, 5);
}

/** The next scripted answer for a prompt naming `fake-openai:script:<key>`; the last one repeats. */
function scriptedAnswer(scripts: Map<string, ScriptedAnswer[]>, prompt: string): ScriptedAnswer | undefined {
  const key = /fake-openai:script:([\w-]+)/.exec(prompt)?.[1];
  const answers = key ? scripts.get(key) : undefined;
  if (!answers || answers.length === 0) return undefined;
  return answers.length > 1 ? answers.shift() : answers[0];
}

export type FakeOpenAI = { baseUrl: string; requests: RecordedRequest[]; close: () => Promise<void> };

/** A scripted answer: the content, a stream cut after a few pieces, or an error status. */
type ScriptedAnswer = string | { cut: true } | { error: number };

export type FakeOpenAIOptions = {
  /** A valid answer for requests the fake knows more about than their schema (see insights-answers.ts). */
  answer?: (body: ChatRequest, prompt: string) => string | undefined;
};

export async function startFakeOpenAI(port = 0, options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const requests: RecordedRequest[] = [];
  const scripts = new Map<string, ScriptedAnswer[]>();
  const hanging = new Set<ServerResponse>();
  const server: Server = createServer(async (request, response) => {
    const path = new URL(request.url ?? "/", "http://fake").pathname;
    if (request.method === "GET" && path === "/__requests")
      return sendJson(response, 200, requests.slice(-500));
    const scriptKey = /^\/__scripts\/([\w-]+)$/.exec(path)?.[1];
    if (request.method === "POST" && scriptKey) {
      scripts.set(scriptKey, (JSON.parse(await readBody(request)) as { answers: ScriptedAnswer[] }).answers);
      return sendJson(response, 200, { stored: scriptKey });
    }
    if (request.method !== "POST" || !path.endsWith("/chat/completions")) {
      return sendJson(response, 404, {
        error: { message: `no route ${request.method} ${path}`, type: "invalid_request_error" },
      });
    }
    const authorization = request.headers.authorization;
    if (!authorization?.startsWith("Bearer ")) {
      return sendJson(response, 401, {
        error: { message: "missing API key", type: "invalid_request_error" },
      });
    }
    let body: ChatRequest;
    try {
      body = JSON.parse(await readBody(request)) as ChatRequest;
    } catch {
      return sendJson(response, 400, {
        error: { message: "body is not JSON", type: "invalid_request_error" },
      });
    }
    requests.push({ path, authorization, body });
    const prompt = body.messages.map((message) => textOf(message.content)).join("\n");
    if (prompt.includes("fake-openai:timeout")) {
      hanging.add(response);
      response.on("close", () => hanging.delete(response));
      return;
    }
    if (prompt.includes("fake-openai:error")) {
      return sendJson(response, 500, { error: { message: "The server had an error", type: "server_error" } });
    }
    const scripted = scriptedAnswer(scripts, prompt);
    if (typeof scripted === "object" && "error" in scripted) {
      return sendJson(response, scripted.error, {
        error: { message: "Scripted error", type: "server_error" },
      });
    }
    const malformed = prompt.includes("fake-openai:malformed");
    const schema =
      body.response_format?.type === "json_schema" ? body.response_format.json_schema?.schema : undefined;
    const content =
      typeof scripted === "string"
        ? scripted
        : malformed
          ? '{"this is": not json'
          : (options.answer?.(body, prompt) ??
            (schema ? JSON.stringify(exampleOf(schema)) : fakeReplyTo(body.messages)));
    if (body.stream) {
      const cut = prompt.includes("fake-openai:cut") || (typeof scripted === "object" && "cut" in scripted);
      return streamReply(response, body, schema ? content : fakeReplyTo(body.messages), cut, prompt);
    }
    return sendJson(response, 200, completion(body.model, content));
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${bound}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const response of hanging) response.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
