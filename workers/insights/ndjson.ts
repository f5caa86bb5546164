import { HttpProblem } from "../http/problem.ts";

export const NDJSON = "application/x-ndjson";

/**
 * NDJSON loads are larger than the API's 1 MiB body limit: they are read as a stream, a batch of lines at
 * a time, so the Worker never holds more than one batch. This is their own limit, checked while reading.
 */
export const MAX_NDJSON_BYTES = 32 * 1024 * 1024;
export const MAX_NDJSON_LINES = 100_000;

const POSTS_PATH = /^\/(api\/)?v1\/brands\/[^/]+\/posts\/?$/;

/** A post load streamed as NDJSON, which the app's 1 MiB body limit leaves to the route (see above). */
export function isNdjsonPostLoad(request: Request): boolean {
  return (
    request.method === "POST" &&
    POSTS_PATH.test(new URL(request.url).pathname) &&
    (request.headers.get("content-type") ?? "").toLowerCase().startsWith(NDJSON)
  );
}

/** One line of the body: its 0-based line number and its parse, or why it did not parse. */
export type NdjsonLine = { index: number; value: unknown } | { index: number; error: string };

function parseLine(index: number, line: string): NdjsonLine {
  try {
    return { index, value: JSON.parse(line) };
  } catch {
    return { index, error: "the line is not a JSON value" };
  }
}

/**
 * The body's non-blank lines in batches of `batchSize`, as they arrive. Blank lines are skipped but
 * counted, so an index is the line's number. Past the byte or line limit it throws a 413 problem.
 */
export async function* ndjsonBatches(body: ReadableStream<Uint8Array>, batchSize: number) {
  const decoder = new TextDecoder();
  let bytes = 0;
  let index = 0;
  let rest = "";
  let batch: NdjsonLine[] = [];
  const take = (line: string) => {
    if (index >= MAX_NDJSON_LINES)
      throw new HttpProblem("payload-too-large", `NDJSON loads are limited to ${MAX_NDJSON_LINES} lines.`);
    const trimmed = line.trim();
    if (trimmed !== "") batch.push(parseLine(index, trimmed));
    index++;
  };
  const reader = body.getReader();
  for (;;) {
    const { done, value: chunk } = await reader.read();
    if (done) break;
    bytes += chunk.byteLength;
    if (bytes > MAX_NDJSON_BYTES)
      throw new HttpProblem("payload-too-large", `NDJSON loads are limited to ${MAX_NDJSON_BYTES} bytes.`);
    const lines = (rest + decoder.decode(chunk, { stream: true })).split("\n");
    rest = lines.pop() ?? "";
    for (const line of lines) {
      take(line);
      if (batch.length >= batchSize) {
        yield batch;
        batch = [];
      }
    }
  }
  rest += decoder.decode();
  if (rest !== "") take(rest);
  if (batch.length > 0) yield batch;
}
