import { describe, expect, it } from "vitest";
import { DatabaseUnavailable, TransactionOverdue } from "../../../workers/db/failures.ts";
import {
  type ChunkOutcome,
  chunksUntil,
  MAX_CHUNK_ROWS,
  MIN_CHUNK_ROWS,
} from "../../../workers/imports/chunk-budget.ts";

const FAR = Date.now() + 60_000;

/** A job's chunks: `more` until `total` have run, then `done`; records each call's span. */
function chunks(total: number) {
  const spans: number[] = [];
  const next = async (span: number): Promise<ChunkOutcome> => {
    spans.push(span);
    return spans.length > total ? "done" : "more";
  };
  return { next, spans };
}

/** A clock that each chunk moves on by `msPerRow` times its span, as a database of that pace would. */
function pacedChunks(total: number, msPerRow: number) {
  let clock = 0;
  const job = chunks(total);
  const next = async (span: number) => {
    clock += span * msPerRow;
    return job.next(span);
  };
  return { next, spans: job.spans, now: () => clock };
}

describe("a batch job's chunks within its budget", () => {
  it("runs every chunk and leaves nothing when the deadline is far", async () => {
    const job = chunks(5);
    const run = await chunksUntil(job.next, { deadline: FAR, span: MAX_CHUNK_ROWS, transactionMs: 60_000 });
    expect(run.left).toBe(false);
    expect(job.spans).toHaveLength(6);
  });

  it("stops after the chunk that passed the deadline and says work is left", async () => {
    const job = chunks(5);
    const run = await chunksUntil(job.next, { deadline: Date.now() - 1, span: 1000, transactionMs: 60_000 });
    expect(run.left).toBe(true);
    expect(job.spans).toEqual([1000]);
  });

  it("leaves nothing when the batch moved on (stopped), deadline or not", async () => {
    const run = await chunksUntil(async () => "stopped", { deadline: 0, span: 1000, transactionMs: 5000 });
    expect(run.left).toBe(false);
  });
});

describe("a batch job's chunk spans, sized to the database deadline", () => {
  it("gives a chunk after a slow one the span that takes a quarter of the database deadline", async () => {
    // 1 ms a row: 5,000 rows take 5 s; a quarter of a 4 s deadline is 1,000 rows.
    const job = pacedChunks(3, 1);
    const run = await chunksUntil(job.next, {
      deadline: Number.POSITIVE_INFINITY,
      span: MAX_CHUNK_ROWS,
      transactionMs: 4000,
      now: job.now,
    });
    expect(job.spans).toEqual([5000, 1000, 1000, 1000]);
    expect(run).toEqual({ left: false, span: 1000 });
  });

  it("lets the span grow back after quick chunks, at most doubling and never past the most", async () => {
    const job = pacedChunks(4, 0.01);
    await chunksUntil(job.next, {
      deadline: Number.POSITIVE_INFINITY,
      span: 500,
      transactionMs: 5000,
      now: job.now,
    });
    expect(job.spans).toEqual([500, 1000, 2000, 4000, MAX_CHUNK_ROWS]);
  });

  it("tries a chunk that ran out of time again at half its span", async () => {
    const job = chunks(1);
    const next = async (span: number) => {
      if (span > 1250) {
        job.spans.push(span);
        throw new TransactionOverdue("the transaction did not finish within its deadline");
      }
      return job.next(span);
    };
    await chunksUntil(next, { deadline: FAR, span: MAX_CHUNK_ROWS, transactionMs: 60_000 });
    expect(job.spans.slice(0, 3)).toEqual([5000, 2500, 1250]);
  });

  it("gives up when a chunk of the fewest rows still runs out of time", async () => {
    const overdue = async (): Promise<ChunkOutcome> => {
      throw new TransactionOverdue("the transaction did not finish within its deadline");
    };
    await expect(
      chunksUntil(overdue, { deadline: FAR, span: MIN_CHUNK_ROWS, transactionMs: 5000 }),
    ).rejects.toBeInstanceOf(TransactionOverdue);
  });

  it("does not retry a chunk that failed for another reason", async () => {
    const spans: number[] = [];
    const unreachable = async (span: number): Promise<ChunkOutcome> => {
      spans.push(span);
      throw new DatabaseUnavailable("connection refused");
    };
    await expect(
      chunksUntil(unreachable, { deadline: FAR, span: MAX_CHUNK_ROWS, transactionMs: 5000 }),
    ).rejects.toThrow("connection refused");
    expect(spans).toEqual([MAX_CHUNK_ROWS]);
  });
});
