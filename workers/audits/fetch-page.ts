import { checkTargetUrl } from "../lib/target-url.ts";
import { measuredFetch } from "../observability/outbound.ts";

export const USER_AGENT = "BordeAuditBot/1.0 (+https://borde.dev/bot)";
export const FETCH_TIMEOUT_MS = 10_000;
export const MAX_PAGE_BYTES = 2 * 1024 * 1024;
const MAX_REDIRECTS = 5;

const siteFetch = measuredFetch("audited_site");

export type FetchedResponse = {
  /** The URL that answered after redirects. */
  url: string;
  response: Response;
  /** Each URL that redirected, in order. */
  redirects: string[];
  ttfbMs: number;
};

export class FetchRefused extends Error {
  override name = "FetchRefused";
}

/**
 * Fetches a URL as the audit bot: redirects followed by hand so every hop passes the target check,
 * a timeout over the whole exchange, and the time to first byte of the final response.
 */
export async function fetchAsBot(
  target: string,
  allowPrivate: boolean,
  init: { timeoutMs?: number } = {},
): Promise<FetchedResponse> {
  const signal = AbortSignal.timeout(init.timeoutMs ?? FETCH_TIMEOUT_MS);
  const redirects: string[] = [];
  let url = target;
  for (;;) {
    const check = checkTargetUrl(url, allowPrivate);
    if (!check.ok) throw new FetchRefused(`${url} ${check.reason}`);
    const started = performance.now();
    const response = await siteFetch(check.url, {
      redirect: "manual",
      signal,
      headers: { "user-agent": USER_AGENT, accept: "text/html,application/xhtml+xml,*/*;q=0.8" },
    });
    const ttfbMs = Math.round(performance.now() - started);
    const location = response.headers.get("location");
    if (response.status >= 300 && response.status < 400 && location) {
      await response.body?.cancel();
      if (redirects.length >= MAX_REDIRECTS) throw new Error(`more than ${MAX_REDIRECTS} redirects`);
      redirects.push(url);
      url = new URL(location, url).href;
      continue;
    }
    return { url, response, redirects, ttfbMs };
  }
}

/** The body cut at `maxBytes`, counting what passed; `truncated` tells whether the cut happened. */
export function limitBody(body: ReadableStream<Uint8Array>, maxBytes = MAX_PAGE_BYTES) {
  const state = { bytes: 0, truncated: false };
  const limited = body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        const room = maxBytes - state.bytes;
        if (chunk.byteLength > room) {
          if (room > 0) controller.enqueue(chunk.subarray(0, room));
          state.bytes = maxBytes;
          state.truncated = true;
          controller.terminate();
          return;
        }
        state.bytes += chunk.byteLength;
        controller.enqueue(chunk);
      },
    }),
  );
  return { stream: limited, state };
}

/** A small text resource (robots.txt, sitemap.xml), bounded like pages; null when it is not there. */
export async function fetchText(
  url: string,
  allowPrivate: boolean,
): Promise<{ status: number; text: string } | { status: null; error: string }> {
  try {
    const { response } = await fetchAsBot(url, allowPrivate);
    if (!response.body) return { status: response.status, text: "" };
    const { stream } = limitBody(response.body);
    return { status: response.status, text: await new Response(stream).text() };
  } catch (error) {
    return { status: null, error: error instanceof Error ? error.message : String(error) };
  }
}
