import { z } from "zod";

/** What one Google result page of SerpApi's `engine=google` answer carries that rank lookups read. */
export const SerpApiOrganicResultSchema = z.object({
  /** Counts from 1 across pages: the first result of `start=10` is 11. */
  position: z.number().int().positive().optional(),
  link: z.string(),
  title: z.string().default(""),
});

export const SerpApiSearchSchema = z.object({
  search_metadata: z.object({ status: z.string().optional() }).loose().optional(),
  organic_results: z.array(z.unknown()).optional(),
  serpapi_pagination: z.object({ next: z.string().optional() }).loose().optional(),
  /** SerpApi's own error message, also sent with HTTP 200 when Google has no (more) results. */
  error: z.string().optional(),
});

/** SerpApi's `error` when a page past the last one is asked for: the end of the results, not a failure. */
export const NO_RESULTS_ERROR = /hasn't returned any results/i;

/** Results per Google page; SerpApi pages with `start` in steps of this. */
export const RESULTS_PER_PAGE = 10;
