import { loadConfig } from "../config/config.ts";
import type { Env } from "../config/env.ts";
import { errorFields, Logger } from "../lib/log.ts";
import { type MetricsRecorder, metrics } from "./recorder.ts";

/**
 * Totals are spread over this many MetricsStore objects, so no single object takes every isolate's
 * flushes; a scrape reads and adds them all.
 */
export const METRICS_SHARDS = 4;

export function metricsShard(env: Env, index: number) {
  return env.METRICS_STORE.get(env.METRICS_STORE.idFromName(`shard-${index}`));
}

/** Sends one isolate's recorded deltas to its shard of the totals. */
export class MetricsFlusher {
  readonly #inFlight = new Set<Promise<void>>();
  #scheduled = false;

  constructor(
    readonly recorder: MetricsRecorder,
    readonly shard: number,
  ) {}

  /**
   * Sends the deltas now (a failed send keeps them for the next flush), and resolves once every flush
   * of this isolate still on its way has landed.
   */
  flush(env: Env, log: Logger): Promise<void> {
    if (!this.recorder.empty) {
      const deltas = this.recorder.take();
      const sent: Promise<void> = metricsShard(env, this.shard)
        .add(deltas)
        .catch((error: unknown) => {
          this.recorder.restore(deltas);
          log.warn("metrics flush failed, kept for the next one", errorFields(error));
        })
        .finally(() => this.#inFlight.delete(sent));
      this.#inFlight.add(sent);
    }
    return Promise.all(this.#inFlight).then(() => undefined);
  }

  /**
   * After something was recorded: unless a flush is already waiting, one is scheduled `intervalMs` later
   * in `waitUntil`, so the response never waits for it and the isolate flushes at most once per interval
   * whatever its traffic. Everything recorded meanwhile goes with that flush.
   */
  schedule(env: Env, waitUntil: (promise: Promise<unknown>) => void, intervalMs: number, log: Logger): void {
    if (this.#scheduled || this.recorder.empty) return;
    this.#scheduled = true;
    waitUntil(
      new Promise((resolve) => setTimeout(resolve, intervalMs)).then(() => {
        this.#scheduled = false;
        return this.flush(env, log);
      }),
    );
  }
}

/** This isolate's flusher, sending to a shard chosen when the isolate starts. */
export const isolateMetrics = new MetricsFlusher(metrics, Math.floor(Math.random() * METRICS_SHARDS));

/**
 * Schedules this isolate's flush (see `MetricsFlusher.schedule`) with the deployment's interval, unless
 * metrics are off: what requests, jobs and objects call once they recorded something.
 */
export function flushSoon(
  env: Env,
  waitUntil: (promise: Promise<unknown>) => void,
  log = new Logger(),
): void {
  const { metrics: settings } = loadConfig(env);
  if (settings.enabled) isolateMetrics.schedule(env, waitUntil, settings.flushIntervalMs, log);
}
