import { env } from "cloudflare:test";
import { loadConfig } from "../../../workers/config/config.ts";
import type { SerpScript } from "../../support/serp-script.ts";

const serpapi = () => loadConfig(env).serpapi.baseUrl;

/** A keyword no other test uses, so its script and its calls on the local SerpApi are this test's own. */
export const uniqueKeyword = (label: string) => `${label} ${crypto.randomUUID().slice(0, 8)}`;

/** Tells the local SerpApi how to answer the (normalised) query. */
export async function scriptSerp(query: string, script: SerpScript): Promise<void> {
  const response = await fetch(`${serpapi()}/__scripts`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ q: query, ...script }),
  });
  if (!response.ok) throw new Error(`scripting the local SerpApi failed: ${response.status}`);
}

/** The calls the local SerpApi received for the query, with the `start` of each. */
export async function serpCalls(query: string): Promise<{ count: number; starts: number[] }> {
  const response = await fetch(`${serpapi()}/__calls?q=${encodeURIComponent(query)}`);
  return response.json<{ count: number; starts: number[] }>();
}

export const testConfig = () => loadConfig(env);

/** The test configuration without a SerpApi key. */
export function configWithoutKey() {
  const config = loadConfig(env);
  return { ...config, serpapi: { ...config.serpapi, apiKey: undefined } };
}
