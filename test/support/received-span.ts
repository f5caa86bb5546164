/** An attribute's value in OTLP/JSON: one of these fields is set. */
export type OtlpJsonValue = {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
  doubleValue?: number;
};

/** A span as OTLP/JSON carries it (the fields Borde sends). */
export type OtlpJsonSpan = {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes?: { key: string; value: OtlpJsonValue }[];
  status?: { code?: number; message?: string };
};

/** A span as the local OTLP receiver (fake-otlp.ts) lists it: attributes as a plain object of values. */
export type ReceivedSpan = Omit<OtlpJsonSpan, "attributes"> & {
  /** The `service.name` of the span's resource. */
  service: string | undefined;
  attributes: Record<string, string | number | boolean | undefined>;
  /** The headers of the export that carried it. */
  headers: Record<string, string | string[] | undefined>;
};
