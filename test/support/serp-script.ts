/** How the local SerpApi (fake-serpapi.ts) answers one query; shared by the server and the tests. */
export type SerpScript = {
  /** Puts this link at this absolute position (else no result is on any domain a test asks about). */
  ranked?: { position: number; link: string; title?: string };
  /** How many results Google has for the query: 100 unless said. */
  total?: number;
  /** What the calls after the script is set get, in order; later calls are answered normally. */
  responses?: ("429" | "500" | "timeout" | "malformed")[];
  retry_after?: number;
  delay_ms?: number;
};
