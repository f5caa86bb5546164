import { joinedBytes } from "../lib/bytes.ts";
import { hexOf } from "../lib/crypto.ts";

/**
 * The size of each part of a multipart upload. R2 wants every part but the last of one size, at least
 * 5 MiB; a file smaller than one part is written with a single put.
 */
const PART_BYTES = 8 * 1024 * 1024;

const encoder = new TextEncoder();

/**
 * workerd's incremental hash, `crypto.DigestStream`. Reached through a wider type because the DOM's
 * `Crypto`, which the Node-side type check sees for files the scripts import, lacks it.
 */
const sha256Stream = () =>
  new (crypto as Crypto & { DigestStream: typeof DigestStream }).DigestStream("SHA-256");

/** What was written: the object's size and the SHA-256 of its bytes, as the manifest records them. */
export type WrittenFile = { bytes: number; sha256: string };

/** Uploads a stream as it comes, in parts, hashing it on the way; never holds more than one part. */
async function upload(bucket: R2Bucket, key: string, body: ReadableStream<Uint8Array>): Promise<WrittenFile> {
  const digest = sha256Stream();
  const hashing = digest.getWriter();
  const reader = body.getReader();
  const options = { httpMetadata: { contentType: "application/gzip" } };
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let total = 0;
  let multipart: R2MultipartUpload | undefined;
  const parts: R2UploadedPart[] = [];
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      await hashing.write(value);
      total += value.length;
      pending.push(value);
      pendingBytes += value.length;
      while (pendingBytes >= PART_BYTES) {
        const bytes = joinedBytes(pending, pendingBytes);
        const rest = bytes.slice(PART_BYTES);
        pending = rest.length > 0 ? [rest] : [];
        pendingBytes = rest.length;
        multipart ??= await bucket.createMultipartUpload(key, options);
        parts.push(await multipart.uploadPart(parts.length + 1, bytes.subarray(0, PART_BYTES)));
      }
    }
    const last = joinedBytes(pending, pendingBytes);
    if (multipart) {
      parts.push(await multipart.uploadPart(parts.length + 1, last));
      await multipart.complete(parts);
    } else await bucket.put(key, last, options);
    await hashing.close();
    return { bytes: total, sha256: hexOf(new Uint8Array(await digest.digest)) };
  } catch (error) {
    await multipart?.abort().catch(() => undefined);
    await reader.cancel(error).catch(() => undefined);
    throw error;
  }
}

/**
 * A gzip file written to the bucket as text is added: compressed, hashed and uploaded while it is
 * written, so a table of any size passes through a page and a part at a time.
 */
export class GzipObjectWriter {
  readonly #writer: ReturnType<CompressionStream["writable"]["getWriter"]>;
  readonly #uploaded: Promise<WrittenFile>;

  constructor(bucket: R2Bucket, key: string) {
    const gzip = new CompressionStream("gzip");
    this.#writer = gzip.writable.getWriter();
    this.#uploaded = upload(bucket, key, gzip.readable);
    // Seen through close(); a failure before it must not be an unhandled rejection meanwhile.
    this.#uploaded.catch(() => undefined);
  }

  /** Adds text; waits while the upload catches up, and fails once the upload has failed. */
  write(text: string): Promise<void> {
    return this.#writer.write(encoder.encode(text));
  }

  async close(): Promise<WrittenFile> {
    await Promise.all([this.#writer.close(), this.#uploaded]);
    return this.#uploaded;
  }

  async abort(reason: unknown): Promise<void> {
    await this.#writer.abort(reason).catch(() => undefined);
    await this.#uploaded.catch(() => undefined);
  }
}

/**
 * The lines of a gzip object, in batches of at most `maxLines` lines or about `maxBytes` characters,
 * decompressed as read; then the SHA-256 of the object's bytes, for the caller to compare.
 */
export async function* gzipLines(
  object: R2ObjectBody,
  maxLines: number,
  maxBytes: number,
): AsyncGenerator<string[], string> {
  const [forHash, forLines] = object.body.tee();
  const digest = sha256Stream();
  const hashed = forHash.pipeTo(digest);
  const text = forLines.pipeThrough(new DecompressionStream("gzip")).pipeThrough(new TextDecoderStream());
  const reader = text.getReader();
  let rest = "";
  let batch: string[] = [];
  let batchBytes = 0;
  for (;;) {
    const { done, value: chunk } = await reader.read();
    if (done) break;
    const lines = (rest + chunk).split("\n");
    rest = lines.pop() ?? "";
    for (const line of lines) {
      if (line === "") continue;
      batch.push(line);
      batchBytes += line.length;
      if (batch.length >= maxLines || batchBytes >= maxBytes) {
        yield batch;
        batch = [];
        batchBytes = 0;
      }
    }
  }
  if (rest !== "") batch.push(rest);
  if (batch.length > 0) yield batch;
  await hashed;
  return hexOf(new Uint8Array(await digest.digest));
}
