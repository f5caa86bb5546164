import { isTransactionOverdue } from "../db/failures.ts";

/** What one chunk of a batch's job came to: more rows left, the last one done, or the batch moved on. */
export type ChunkOutcome = "more" | "done" | "stopped";

/**
 * Wall time one run of a batch's job works, a chunk after another, before it hands the rest to a new
 * message: however large the batch, no run comes near a Worker's limits (a queue consumer's CPU time,
 * its 15 minutes). Each chunk commits its progress, so the next run starts where this one stopped.
 */
export const JOB_BUDGET_MS = 30_000;

/** The most and the fewest row numbers one chunk spans. */
export const MAX_CHUNK_ROWS = 5000;
export const MIN_CHUNK_ROWS = 100;
/**
 * A step's first span, before any chunk has shown the database's pace: small enough to finish on a busy
 * database, and doubling from there reaches the most in three chunks.
 */
export const FIRST_CHUNK_ROWS = 1000;

export type ChunkPlan = {
  /** Epoch ms after which no new chunk starts. */
  deadline: number;
  /** The span the first chunk tries: the one the last run ended with, or FIRST_CHUNK_ROWS. */
  span: number;
  /** The database deadline of one transaction (ms): each chunk aims at a quarter of it. */
  transactionMs: number;
  now?: () => number;
};

/** What a run of chunks left: whether work is left, and the span the next run should start with. */
export type ChunksRun = { left: boolean; span: number };

const clampSpan = (span: number) => Math.min(MAX_CHUNK_ROWS, Math.max(MIN_CHUNK_ROWS, Math.round(span)));

/**
 * Runs chunks until one leaves nothing more or the plan's deadline has passed. Each chunk's span follows
 * the time the one before took, aiming at a quarter of the database deadline (at most doubling), so a
 * busy or large database makes smaller transactions instead of ones that run out of time. A chunk that
 * still ran out of time was rolled back, kept nothing, and is tried again at half its span.
 */
export async function chunksUntil(
  next: (span: number) => Promise<ChunkOutcome>,
  plan: ChunkPlan,
): Promise<ChunksRun> {
  const now = plan.now ?? Date.now;
  const aim = plan.transactionMs / 4;
  let span = clampSpan(plan.span);
  for (;;) {
    const started = now();
    let outcome: ChunkOutcome;
    try {
      outcome = await next(span);
    } catch (error) {
      if (!isTransactionOverdue(error) || span <= MIN_CHUNK_ROWS) throw error;
      span = clampSpan(span / 2);
      if (now() >= plan.deadline) return { left: true, span };
      continue;
    }
    if (outcome !== "more") return { left: false, span };
    const took = Math.max(1, now() - started);
    span = clampSpan(Math.min(span * 2, (span * aim) / took));
    if (now() >= plan.deadline) return { left: true, span };
  }
}
