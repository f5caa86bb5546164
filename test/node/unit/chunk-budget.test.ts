import { describe, expect, it } from "vitest";
import { type ChunkOutcome, chunksUntil } from "../../../workers/imports/chunk-budget.ts";

/** A job's chunks: `more` until `total` have run, then `done`; counts the calls. */
function chunks(total: number) {
  let calls = 0;
  const next = async (): Promise<ChunkOutcome> => {
    calls++;
    return calls > total ? "done" : "more";
  };
  return { next, calls: () => calls };
}

describe("a batch job's chunks within its budget", () => {
  it("runs every chunk and leaves nothing when the deadline is far", async () => {
    const job = chunks(5);
    expect(await chunksUntil(job.next, Date.now() + 60_000)).toBe(false);
    expect(job.calls()).toBe(6);
  });

  it("stops after the chunk that passed the deadline and says work is left", async () => {
    const job = chunks(5);
    expect(await chunksUntil(job.next, Date.now() - 1)).toBe(true);
    expect(job.calls()).toBe(1);
  });

  it("leaves nothing when the batch moved on (stopped), deadline or not", async () => {
    expect(await chunksUntil(async () => "stopped", Date.now() - 1)).toBe(false);
  });
});
