/** What one chunk of a batch's job came to: more rows left, the last one done, or the batch moved on. */
export type ChunkOutcome = "more" | "done" | "stopped";

/**
 * Wall time one run of a batch's job works, a chunk after another, before it hands the rest to a new
 * message: however large the batch, no run comes near a Worker's limits (a queue consumer's CPU time,
 * its 15 minutes). Each chunk commits its progress, so the next run starts where this one stopped.
 */
export const JOB_BUDGET_MS = 30_000;

/** Runs chunks until one leaves nothing more or `deadline` (epoch ms) has passed; whether work is left. */
export async function chunksUntil(next: () => Promise<ChunkOutcome>, deadline: number): Promise<boolean> {
  for (;;) {
    if ((await next()) !== "more") return false;
    if (Date.now() >= deadline) return true;
  }
}
