/** The first row a query returns (run once, awaited here), or null when it returns none. */
export const firstRow = async <Row>(query: PromiseLike<Row[]>): Promise<Row | null> =>
  (await query)[0] ?? null;
