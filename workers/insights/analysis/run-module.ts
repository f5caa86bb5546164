import { openAIClient } from "../../ai/openai-client.ts";
import type { Config } from "../../config/config.ts";
import type { DatabaseSession } from "../../db/client.ts";
import type { Logger } from "../../lib/log.ts";
import {
  type AnalysisResult,
  analysisOf,
  brandContext,
  claimResult,
  type FinishedResult,
  finishResult,
  releaseResult,
} from "../analyses.ts";
import { MODULES, type ModuleDefinition, type ModuleInput } from "./modules.ts";
import { askModel, citedRefs, citingPostIds } from "./run-model.ts";
import { windowFacts, windowSample } from "./window-facts.ts";

/** The stored result of a module: the computed parts and the interpretation, citing posts by their ids. */
function stored(definition: ModuleDefinition, input: ModuleInput, answer: Record<string, unknown>) {
  const idOf = new Map(input.sample.map((post) => [post.ref, post.id]));
  const analysis = citingPostIds(answer, idOf) as Record<string, unknown>;
  const evidence = [...new Set(citedRefs(analysis))];
  return { result: { computed: definition.computed(input), analysis }, evidence };
}

/**
 * What a module's run leaves: with the model, its validated answer (source openai); an answer that never
 * validated, `failed` with the raw answer and the errors; no model (no key, or it did not answer), the
 * fallback from the in-Worker method (source fallback), with the model's errors kept when it failed.
 */
export async function interpret(
  config: Config,
  definition: ModuleDefinition,
  input: ModuleInput,
  deadline: number,
): Promise<FinishedResult> {
  const base = { sampleSize: input.sample.length, postCount: input.facts.posts };
  const client = openAIClient(config);
  const fallback = (extra: Partial<FinishedResult>): FinishedResult => ({
    ...base,
    status: "completed",
    model: null,
    source: "fallback",
    attempts: 0,
    promptTokens: 0,
    completionTokens: 0,
    rawAnswer: null,
    errors: null,
    ...stored(definition, input, definition.fallback(input)),
    ...extra,
  });
  if (!client) return fallback({});
  const outcome = await askModel(
    client,
    config.openai.model,
    definition,
    input,
    config.openai.timeoutMs,
    deadline,
  );
  const spent = {
    model: config.openai.model,
    attempts: outcome.attempts,
    promptTokens: outcome.usage.prompt,
    completionTokens: outcome.usage.completion,
  };
  switch (outcome.kind) {
    case "valid":
      return {
        ...base,
        ...spent,
        status: "completed",
        source: "openai",
        rawAnswer: null,
        errors: null,
        ...stored(definition, input, definition.finish?.(outcome.answer, input) ?? outcome.answer),
      };
    case "invalid":
      return {
        ...base,
        ...spent,
        status: "failed",
        source: "openai",
        result: null,
        evidence: [],
        rawAnswer: outcome.raw,
        errors: outcome.errors,
      };
    case "unavailable":
      return fallback({ ...spent, errors: outcome.errors });
  }
}

/**
 * Runs one claimed module result: reads the window's facts and sample under the tenant's row-level
 * security, interprets, stores. Null when another delivery holds the result or it is done.
 */
export async function runModuleResult(
  session: DatabaseSession,
  config: Config,
  resultId: string,
  log: Logger,
  deadline: number,
): Promise<AnalysisResult | null> {
  const claimed = await claimResult(session.db, resultId);
  if (!claimed) {
    log.info("analysis module already claimed or finished", { result_id: resultId });
    return null;
  }
  try {
    const analysis = await analysisOf(session.db, claimed.analysisId);
    if (!analysis) throw new Error("the result's analysis is gone");
    const window = { brandId: analysis.brandId, from: analysis.windowFrom, to: analysis.windowTo };
    const tenantId = claimed.tenantId;
    const input = await session.tenant(
      tenantId,
      async (db) => {
        const brand = await brandContext(db, tenantId, window.brandId);
        if (!brand) throw new Error("the analysis's brand is gone");
        return {
          brand,
          facts: await windowFacts(db, tenantId, window),
          sample: await windowSample(db, tenantId, window),
        };
      },
      { readOnly: true },
    );
    const definition = MODULES[claimed.module];
    const finished = await interpret(config, definition, input, deadline);
    await finishResult(session.db, claimed.id, finished);
    return { ...claimed, ...finished, finishedAt: new Date() };
  } catch (error) {
    await releaseResult(session.db, claimed.id);
    throw error;
  }
}
