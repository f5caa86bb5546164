import type { Context } from "hono";
import type { z } from "zod";
import type { AppEnv } from "../http/app-env.ts";
import { fieldErrors } from "../http/errors.ts";
import { HttpProblem, validationProblem } from "../http/problem.ts";
import { joinedBytes } from "../lib/bytes.ts";
import { encodeExportResponse, ProtobufError } from "./protobuf.ts";

export type OtlpEncoding = "json" | "protobuf";

/** A decompressed body may be this large: the compressed one is within the 1 MiB limit of every route. */
const MAX_DECODED_BYTES = 16 * 1024 * 1024;

const PROTOBUF_TYPES = new Set(["application/x-protobuf", "application/protobuf"]);

function encodingOf(contentType: string | undefined): OtlpEncoding {
  const mediaType = (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (mediaType === "application/json") return "json";
  if (PROTOBUF_TYPES.has(mediaType)) return "protobuf";
  throw new HttpProblem(
    "unsupported-media-type",
    "OTLP/HTTP bodies are application/x-protobuf or application/json.",
  );
}

async function gunzip(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip")).getReader();
  try {
    for (;;) {
      const { done, value: chunk } = await reader.read();
      if (done) break;
      size += chunk.byteLength;
      if (size > MAX_DECODED_BYTES) {
        await reader.cancel();
        throw new HttpProblem(
          "payload-too-large",
          `A decompressed body may be at most ${MAX_DECODED_BYTES} bytes.`,
        );
      }
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof HttpProblem) throw error;
    throw new HttpProblem("bad-request", "The body is not valid gzip.");
  }
  return joinedBytes(chunks, size);
}

/**
 * Reads an OTLP/HTTP request body in either encoding, gzipped or not, into the shape `schema` checks.
 * What no retry can fix (an unknown encoding, undecodable bytes, a malformed message) is a 4xx.
 */
export async function readOtlpBody<S extends z.ZodType>(
  c: Context<AppEnv>,
  schema: S,
  decodeProtobuf: (bytes: Uint8Array) => unknown,
): Promise<{ encoding: OtlpEncoding; message: z.output<S> }> {
  const encoding = encodingOf(c.req.header("content-type"));
  const contentEncoding = (c.req.header("content-encoding") ?? "identity").trim().toLowerCase();
  if (contentEncoding !== "identity" && contentEncoding !== "gzip")
    throw new HttpProblem("unsupported-media-type", "Content-Encoding may be gzip or identity.");
  const raw = new Uint8Array(await c.req.arrayBuffer());
  const bytes = contentEncoding === "gzip" ? await gunzip(raw) : raw;
  let decoded: unknown;
  try {
    decoded =
      encoding === "json" ? JSON.parse(new TextDecoder().decode(bytes) || "{}") : decodeProtobuf(bytes);
  } catch (error) {
    const detail = error instanceof ProtobufError ? error.message : "the body is not valid JSON";
    throw new HttpProblem("bad-request", `The OTLP message cannot be decoded: ${detail}.`);
  }
  const parsed = schema.safeParse(decoded);
  if (!parsed.success) throw validationProblem(fieldErrors(parsed.error, "json"));
  return { encoding, message: parsed.data };
}

/** The export's answer in the request's encoding. */
export function otlpResponse(
  c: Context<AppEnv>,
  encoding: OtlpEncoding,
  json: Record<string, unknown>,
  rejected: number,
  message: string,
): Response {
  if (encoding === "json") return c.json(json, 200);
  return c.body(encodeExportResponse(rejected, message), 200, { "content-type": "application/x-protobuf" });
}
