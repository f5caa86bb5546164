import { type CounterName, type HistogramName, type Labels, METRICS } from "./metric-definitions.ts";
import { HISTOGRAM_COUNT, HISTOGRAM_SUM, labelText, type Samples, sampleKey } from "./series.ts";

/**
 * This isolate's increments since its last flush. Recording is a few map updates, with no I/O; the
 * deltas go to the totals in the MetricsStore objects at most every few seconds (flush.ts).
 */
export class MetricsRecorder {
  #pending = new Map<string, number>();

  #add(key: string, value: number): void {
    this.#pending.set(key, (this.#pending.get(key) ?? 0) + value);
  }

  /** Adds to a counter, or to an additive gauge (sockets opened +1, closed −1). */
  add<Name extends CounterName>(name: Name, labels: Labels<Name>, value = 1): void {
    this.#add(sampleKey(name, labelText(name, labels)), value);
  }

  /** Counts one observation in a histogram: every bucket whose bound it is within, its sum and its count. */
  observe<Name extends HistogramName>(name: Name, labels: Labels<Name>, value: number): void {
    const labels_ = labelText(name, labels);
    const buckets = METRICS[name].buckets;
    for (let index = buckets.length - 1; index >= 0 && value <= (buckets[index] ?? 0); index--)
      this.#add(sampleKey(name, labels_, String(index)), 1);
    this.#add(sampleKey(name, labels_, String(buckets.length)), 1);
    this.#add(sampleKey(name, labels_, HISTOGRAM_SUM), value);
    this.#add(sampleKey(name, labels_, HISTOGRAM_COUNT), 1);
  }

  get empty(): boolean {
    return this.#pending.size === 0;
  }

  /** The deltas recorded since the last call, which start again from nothing. */
  take(): Samples {
    const deltas = Object.fromEntries(this.#pending);
    this.#pending = new Map();
    return deltas;
  }

  /** Puts deltas back (a flush that failed), so they go with the next one. */
  restore(deltas: Samples): void {
    for (const [key, value] of Object.entries(deltas)) this.#add(key, value);
  }
}

/** One recorder per isolate: every request, job and object of the isolate adds to it. */
export const metrics = new MetricsRecorder();
