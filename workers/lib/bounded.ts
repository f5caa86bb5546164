/**
 * Runs `work` on every item, at most `limit` at a time, and resolves when all are done. Items are taken
 * in order as earlier ones finish; `work` is expected to handle its own errors (one that throws rejects
 * the whole run, and the items not yet started are not started).
 */
export async function forEachBounded<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    for (let index = next++; index < items.length; index = next++) {
      await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}
