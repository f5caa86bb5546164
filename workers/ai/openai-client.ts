import OpenAI from "openai";
import type { Config } from "../config/config.ts";
import { measuredFetch } from "../observability/outbound.ts";

// One client per configuration and isolate: constructing it is cheap, but there is no reason to repeat it.
const clients = new WeakMap<Config, OpenAI>();

/**
 * The OpenAI client for this deployment, or null when no key is set (callers then use their documented
 * fallback and mark the result `"source": "fallback"`). Retries are left to the callers, which know
 * whether a retry is worth the user's wait.
 */
export function openAIClient(config: Config): OpenAI | null {
  if (!config.openai.apiKey) return null;
  let client = clients.get(config);
  if (!client) {
    client = new OpenAI({
      apiKey: config.openai.apiKey,
      baseURL: config.openai.baseUrl,
      timeout: config.openai.timeoutMs,
      maxRetries: 0,
      fetch: measuredFetch("openai"),
    });
    clients.set(config, client);
  }
  return client;
}
