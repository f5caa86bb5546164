/** A span as the local OTLP receiver (fake-otlp.ts) lists it: attributes as a plain object of values. */
export type ReceivedSpan = {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  status?: { code?: number; message?: string };
  /** The `service.name` of the span's resource. */
  service: string | undefined;
  attributes: Record<string, string | number | boolean | undefined>;
  /** The headers of the export that carried it. */
  headers: Record<string, string | string[] | undefined>;
};
