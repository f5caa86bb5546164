import { AsyncLocalStorage } from "node:async_hooks";
import type { TracingSettings } from "../config/config.ts";
import { errorFields, Logger } from "../lib/log.ts";
import {
  formatTraceparent,
  newSpanId,
  newTraceId,
  type SpanContext,
  sampledByRatio,
} from "../lib/trace-context.ts";
import { type AttributeValue, type FinishedSpan, postSpans, type SpanKind } from "./otlp-traces.ts";

export type Attributes = Readonly<Record<string, AttributeValue | undefined>>;

// A unit of work's spans go out together at its end, or in sends of this many while it runs (a long crawl).
const SPANS_PER_EXPORT = 512;
// How long the export waits for spans still open when the work is done (a read's COMMIT, say).
const OPEN_SPANS_GRACE_MS = 1000;

/**
 * One span of a trace. An unsampled span records nothing: it exists so that its context (trace id,
 * flags) travels on with the work, and the work's later parts decide as it did.
 */
export class Span {
  readonly context: SpanContext;
  #name: string;
  readonly #started = Date.now();
  readonly #attributes: Record<string, AttributeValue> = {};
  #error: string | undefined;
  #ended = false;

  readonly recorder: TraceRecorder;
  readonly kind: SpanKind;
  readonly #parentSpanId: string | undefined;

  // Plain parameters, not parameter properties: Node's type stripping (the browser tests import this file
  // through the scripts) refuses those.
  constructor(
    recorder: TraceRecorder,
    context: SpanContext,
    name: string,
    kind: SpanKind,
    parentSpanId: string | undefined,
    attributes: Attributes,
  ) {
    this.recorder = recorder;
    this.kind = kind;
    this.#parentSpanId = parentSpanId;
    this.context = context;
    this.#name = name;
    this.set(attributes);
  }

  get traceparent(): string {
    return formatTraceparent(this.context);
  }

  set(attributes: Attributes): this {
    for (const [key, value] of Object.entries(attributes))
      if (value !== undefined) this.#attributes[key] = value;
    return this;
  }

  rename(name: string): this {
    this.#name = name;
    return this;
  }

  /** Marks the span failed (status ERROR) with what describes the error, never its data. */
  fail(error: unknown): this {
    this.#error = typeof error === "string" ? error : String(errorFields(error).error);
    return this;
  }

  end(): void {
    if (this.#ended || !this.context.sampled) return;
    this.#ended = true;
    this.recorder.record({
      traceId: this.context.traceId,
      spanId: this.context.spanId,
      parentSpanId: this.#parentSpanId,
      name: this.#name,
      kind: this.kind,
      startMs: this.#started,
      endMs: Date.now(),
      attributes: this.#attributes,
      error: this.#error,
    });
  }
}

/**
 * The spans of one unit of work (a request, a queue batch), kept in memory until `export()` posts them to
 * the collector in one request (in waitUntil, so nobody waits for it).
 */
export class TraceRecorder {
  #ended: FinishedSpan[] = [];
  #open = 0;
  #idle: (() => void) | undefined;
  readonly #sending = new Set<Promise<void>>();

  readonly settings: TracingSettings;
  readonly #log: Logger;

  constructor(settings: TracingSettings, log: Logger = new Logger()) {
    this.settings = settings;
    this.#log = log;
  }

  /**
   * Starts a span under `parent`, sampled as its parent is (parent-based), or, for a new trace, when the
   * trace id falls within the configured ratio.
   */
  start(name: string, kind: SpanKind, parent: SpanContext | undefined, attributes: Attributes = {}): Span {
    const traceId = parent?.traceId ?? newTraceId();
    const sampled = parent ? parent.sampled : sampledByRatio(traceId, this.settings.sampleRatio);
    if (sampled) this.#open++;
    return new Span(this, { traceId, spanId: newSpanId(), sampled }, name, kind, parent?.spanId, attributes);
  }

  /** Called by a sampled span as it ends. */
  record(span: FinishedSpan): void {
    this.#ended.push(span);
    this.#open--;
    if (this.#ended.length >= SPANS_PER_EXPORT) this.#send();
    if (this.#open === 0) this.#idle?.();
  }

  /** Sends what was recorded, once the spans still open have ended (or their grace ran out). */
  async export(): Promise<void> {
    if (this.#open > 0) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await new Promise<void>((resolve) => {
        this.#idle = resolve;
        timer = setTimeout(resolve, OPEN_SPANS_GRACE_MS);
      });
      if (timer !== undefined) clearTimeout(timer);
      this.#idle = undefined;
    }
    this.#send();
    await Promise.all(this.#sending);
  }

  #send(): void {
    if (this.#ended.length === 0) return;
    const spans = this.#ended;
    this.#ended = [];
    const sent: Promise<void> = postSpans(this.settings, spans)
      .catch((error: unknown) => this.#log.warn("trace export failed", errorFields(error)))
      .finally(() => this.#sending.delete(sent));
    this.#sending.add(sent);
  }
}

/** What the code running now belongs to: its unit of work's recorder and, inside a span, that span. */
type TraceScope = { readonly recorder: TraceRecorder; readonly span?: Span };

const scopes = new AsyncLocalStorage<TraceScope>();

/** Runs `work` (and everything it starts) in the unit of work of `recorder`, before any span (a batch). */
export function inTraceRecorder<T>(recorder: TraceRecorder | undefined, work: () => T): T {
  return recorder ? scopes.run({ recorder }, work) : work();
}

/** Runs `work` (and everything it starts) in `span`: its spans are children of it. */
export function inSpan<T>(span: Span | undefined, work: () => T): T {
  return span ? scopes.run({ recorder: span.recorder, span }, work) : work();
}

/** The span the code running now is in, when tracing is on. */
export function activeSpan(): Span | undefined {
  return scopes.getStore()?.span;
}

/**
 * Starts a span of the current unit of work under the current span, if there is one (a job's span in its
 * batch), or under `parent` (the job's enqueuer); undefined when tracing is off.
 */
export function startSpan(
  name: string,
  kind: SpanKind,
  parent: SpanContext | undefined,
  attributes: Attributes = {},
): Span | undefined {
  const scope = scopes.getStore();
  return scope?.recorder.start(name, kind, parent ?? scope.span?.context, attributes);
}

/** The current span, when it is recorded, with its recorder. */
function sampledScope(): { recorder: TraceRecorder; span: Span } | undefined {
  const scope = scopes.getStore();
  return scope?.span?.context.sampled ? { recorder: scope.recorder, span: scope.span } : undefined;
}

/**
 * Runs `work` in a child span of the current one, ended when it settles (failed if it throws). Outside a
 * sampled trace `work` runs alone and gets no span: the cost is one lookup (attributes given as a function
 * are not even computed).
 */
export async function withSpan<T>(
  name: string,
  kind: SpanKind,
  attributes: Attributes | (() => Attributes),
  work: (span: Span | undefined) => Promise<T>,
): Promise<T> {
  const scope = sampledScope();
  if (!scope) return work(undefined);
  const span = scope.recorder.start(
    name,
    kind,
    scope.span.context,
    typeof attributes === "function" ? attributes() : attributes,
  );
  try {
    return await scopes.run({ recorder: scope.recorder, span }, () => work(span));
  } catch (error) {
    span.fail(error);
    throw error;
  } finally {
    span.end();
  }
}

const MAX_STATEMENT_CHARS = 500;

/**
 * A database round trip as a client span: the statement's text (parameters are never in it; it is only
 * read when the trace is recorded) and its first keyword as the name. `send` may return a promise (the span ends when it settles) or not (it ends now);
 * its result is returned untouched, so the caller sees exactly what the driver gave.
 */
export function databaseSpan<T>(statementOf: () => string, send: () => T): T {
  const scope = sampledScope();
  if (!scope) return send();
  const statement = statementOf();
  const operation = /^\s*(\w+)/.exec(statement)?.[1]?.toUpperCase() ?? "QUERY";
  const span = scope.recorder.start(operation, "client", scope.span.context, {
    "db.system.name": "postgresql",
    "db.operation.name": operation,
    "db.query.text": statement.slice(0, MAX_STATEMENT_CHARS),
  });
  const result = send();
  if (result instanceof Promise)
    result.then(
      () => span.end(),
      (error: unknown) => span.fail(error).end(),
    );
  else span.end();
  return result;
}

/**
 * A Durable Object stub whose method calls are client spans (`RateLimiter.consume`), when the current
 * trace is recorded; the stub itself otherwise.
 */
export function tracedStub<Stub extends object>(className: string, stub: Stub): Stub {
  if (!sampledScope()) return stub;
  return new Proxy(stub, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property);
      if (typeof property !== "string" || typeof value !== "function") return value;
      const attributes = {
        "rpc.system": "cloudflare_durable_objects",
        "rpc.service": className,
        "rpc.method": property,
      };
      // Reflect.apply, not value.apply: an RPC method is a stub too, and its `apply` would be a remote call.
      return (...args: unknown[]) =>
        withSpan(`${className}.${property}`, "client", attributes, async () =>
          Reflect.apply(value, target, args),
        );
    },
  });
}
