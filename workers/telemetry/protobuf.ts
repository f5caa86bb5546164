import { hexOf } from "../lib/crypto.ts";
import type { AnyValue, KeyValue } from "./wire.ts";

/**
 * A protobuf decoder for the OTLP messages Borde reads (ExportMetricsServiceRequest and
 * ExportLogsServiceRequest, opentelemetry-proto v1), written by hand: the whole of a protobuf library would
 * weigh more in the bundle than these few messages. It produces the OTLP/JSON shape (64-bit integers as
 * decimal strings, ids as hex, bytes as base64), so wire.ts's schema checks both encodings alike. Unknown
 * fields are skipped, as protobuf requires.
 */

export class ProtobufError extends Error {
  override name = "ProtobufError";
}

const VARINT = 0;
const I64 = 1;
const LEN = 2;
const I32 = 5;

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

class Reader {
  #view: DataView;
  pos: number;

  constructor(
    readonly bytes: Uint8Array,
    start = 0,
    readonly end = bytes.length,
  ) {
    this.pos = start;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  #need(count: number): void {
    if (this.pos + count > this.end) throw new ProtobufError("the message ends inside a field");
  }

  varint(): bigint {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      this.#need(1);
      const byte = this.bytes[this.pos++] ?? 0;
      result |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return BigInt.asUintN(64, result);
    }
    throw new ProtobufError("a varint is longer than 10 bytes");
  }

  /** A varint that must fit a length or a tag. */
  size(): number {
    const value = this.varint();
    if (value > 0x7fffffffn) throw new ProtobufError("a length or tag is out of range");
    return Number(value);
  }

  fixed64(): bigint {
    this.#need(8);
    const value = this.#view.getBigUint64(this.pos, true);
    this.pos += 8;
    return value;
  }

  double(): number {
    this.#need(8);
    const value = this.#view.getFloat64(this.pos, true);
    this.pos += 8;
    return value;
  }

  /** The extent of a length-delimited field, as a reader of its own. */
  nested(): Reader {
    const length = this.size();
    this.#need(length);
    const reader = new Reader(this.bytes, this.pos, this.pos + length);
    this.pos += length;
    return reader;
  }

  skip(wireType: number): void {
    if (wireType === VARINT) this.varint();
    else if (wireType === I64) this.#skipBytes(8);
    else if (wireType === LEN) this.nested();
    else if (wireType === I32) this.#skipBytes(4);
    else throw new ProtobufError(`wire type ${wireType} is not supported`);
  }

  #skipBytes(count: number): void {
    this.#need(count);
    this.pos += count;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  text(): string {
    const reader = this.nested();
    try {
      return utf8.decode(reader.bytes.subarray(reader.pos, reader.end));
    } catch {
      throw new ProtobufError("a string field is not valid UTF-8");
    }
  }

  raw(): Uint8Array {
    const reader = this.nested();
    return reader.bytes.subarray(reader.pos, reader.end);
  }
}

type FieldHandler = (reader: Reader, wireType: number) => void;

/** Reads every field of a message, handing the known ones to their handler and skipping the rest. */
function readMessage(reader: Reader, handlers: Record<number, FieldHandler>): void {
  while (!reader.done) {
    const tag = reader.size();
    const field = tag >>> 3;
    const wireType = tag & 7;
    const handler = handlers[field];
    if (handler) handler(reader, wireType);
    else reader.skip(wireType);
  }
}

function expect(wireType: number, wanted: number): void {
  if (wireType !== wanted) throw new ProtobufError(`a field has wire type ${wireType}, not ${wanted}`);
}

const message =
  <T>(decode: (reader: Reader) => T) =>
  (reader: Reader, wireType: number): T => {
    expect(wireType, LEN);
    return decode(reader.nested());
  };

const text = (reader: Reader, wireType: number) => {
  expect(wireType, LEN);
  return reader.text();
};
const fixed64 = (reader: Reader, wireType: number) => {
  expect(wireType, I64);
  return reader.fixed64().toString();
};
const double = (reader: Reader, wireType: number) => {
  expect(wireType, I64);
  return reader.double();
};
const varint = (reader: Reader, wireType: number) => {
  expect(wireType, VARINT);
  return reader.varint();
};

/** A repeated scalar of 8 bytes, packed (the proto3 default) or one value per field. */
function repeated64<T>(reader: Reader, wireType: number, read: (reader: Reader) => T, into: T[]): void {
  if (wireType === I64) {
    into.push(read(reader));
    return;
  }
  expect(wireType, LEN);
  const packed = reader.nested();
  while (!packed.done) into.push(read(packed));
}

/** A field read by `read` into `target[key]`. */
const readInto =
  <T, K extends keyof T>(target: T, key: K, read: (reader: Reader, wireType: number) => T[K]): FieldHandler =>
  (reader, wireType) => {
    target[key] = read(reader, wireType);
  };

const base64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));

function decodeAnyValue(reader: Reader): AnyValue {
  const value: AnyValue = {};
  readMessage(reader, {
    1: readInto(value, "stringValue", text),
    2: readInto(value, "boolValue", (r, w) => varint(r, w) !== 0n),
    3: readInto(value, "intValue", (r, w) => BigInt.asIntN(64, varint(r, w)).toString()),
    4: readInto(value, "doubleValue", double),
    5: message((r) => {
      const values: AnyValue[] = [];
      readMessage(r, { 1: (rr, w) => values.push(message(decodeAnyValue)(rr, w)) });
      value.arrayValue = { values };
    }),
    6: message((r) => {
      const values: KeyValue[] = [];
      readMessage(r, { 1: (rr, w) => values.push(message(decodeKeyValue)(rr, w)) });
      value.kvlistValue = { values };
    }),
    7: (r, w) => {
      expect(w, LEN);
      value.bytesValue = base64(r.raw());
    },
  });
  return value;
}

function decodeKeyValue(reader: Reader): KeyValue {
  const keyValue: KeyValue = { key: "" };
  readMessage(reader, {
    1: readInto(keyValue, "key", text),
    2: readInto(keyValue, "value", message(decodeAnyValue)),
  });
  return keyValue;
}

/** A message's repeated KeyValue field, appended to `into`. */
const attributesInto = (into: KeyValue[]) => (reader: Reader, wireType: number) => {
  into.push(message(decodeKeyValue)(reader, wireType));
};

function decodeResource(reader: Reader) {
  const attributes: KeyValue[] = [];
  readMessage(reader, { 1: attributesInto(attributes) });
  return { attributes };
}

type Fields = Record<string, unknown>;

function decodeNumberDataPoint(reader: Reader): Fields {
  const attributes: KeyValue[] = [];
  const point: Fields = { attributes };
  readMessage(reader, {
    7: attributesInto(attributes),
    3: readInto(point, "timeUnixNano", fixed64),
    4: readInto(point, "asDouble", double),
    6: (r, w) => {
      expect(w, I64);
      point.asInt = BigInt.asIntN(64, r.fixed64()).toString();
    },
  });
  return point;
}

function decodeHistogramDataPoint(reader: Reader): Fields {
  const attributes: KeyValue[] = [];
  const bucketCounts: string[] = [];
  const explicitBounds: number[] = [];
  const point: Fields = { attributes, bucketCounts, explicitBounds };
  readMessage(reader, {
    9: attributesInto(attributes),
    3: readInto(point, "timeUnixNano", fixed64),
    4: readInto(point, "count", fixed64),
    5: readInto(point, "sum", double),
    6: (r, w) => repeated64(r, w, (rr) => rr.fixed64().toString(), bucketCounts),
    7: (r, w) => repeated64(r, w, (rr) => rr.double(), explicitBounds),
  });
  return point;
}

function decodeSummaryDataPoint(reader: Reader): Fields {
  const attributes: KeyValue[] = [];
  const quantileValues: Fields[] = [];
  const point: Fields = { attributes, quantileValues };
  readMessage(reader, {
    7: attributesInto(attributes),
    3: readInto(point, "timeUnixNano", fixed64),
    4: readInto(point, "count", fixed64),
    5: readInto(point, "sum", double),
    6: message((r) => {
      const quantile: Fields = {};
      readMessage(r, {
        1: readInto(quantile, "quantile", double),
        2: readInto(quantile, "value", double),
      });
      quantileValues.push(quantile);
    }),
  });
  return point;
}

/** Gauge, Sum, Histogram, ExponentialHistogram and Summary: data points in field 1, then their options. */
function decodeAggregation(decodePoint: (reader: Reader) => Fields) {
  return (reader: Reader): Fields => {
    const dataPoints: Fields[] = [];
    const aggregation: Fields = { dataPoints };
    readMessage(reader, {
      1: (r, w) => dataPoints.push(message(decodePoint)(r, w)),
      2: readInto(aggregation, "aggregationTemporality", (r, w) => Number(BigInt.asIntN(32, varint(r, w)))),
      3: readInto(aggregation, "isMonotonic", (r, w) => varint(r, w) !== 0n),
    });
    return aggregation;
  };
}

function decodeMetric(reader: Reader): Fields {
  const metric: Fields = {};
  readMessage(reader, {
    1: readInto(metric, "name", text),
    3: readInto(metric, "unit", text),
    5: readInto(metric, "gauge", (r, w) => message(decodeAggregation(decodeNumberDataPoint))(r, w)),
    7: readInto(metric, "sum", (r, w) => message(decodeAggregation(decodeNumberDataPoint))(r, w)),
    9: readInto(metric, "histogram", (r, w) => message(decodeAggregation(decodeHistogramDataPoint))(r, w)),
    // Refused by ingest, but counted: their points are read only to be counted.
    10: readInto(metric, "exponentialHistogram", (r, w) => message(decodeAggregation(() => ({})))(r, w)),
    11: readInto(metric, "summary", (r, w) => message(decodeAggregation(decodeSummaryDataPoint))(r, w)),
  });
  return metric;
}

/** A top-level export: resources (field 1) → resource (1) and scopes (2) → items (2). */
function decodeExport(
  bytes: Uint8Array,
  resourceKey: string,
  scopeKey: string,
  itemKey: string,
  decodeItem: (reader: Reader) => Fields,
) {
  const resources: Fields[] = [];
  readMessage(new Reader(bytes), {
    1: message((reader) => {
      const scopes: Fields[] = [];
      const resource: Fields = { [scopeKey]: scopes };
      readMessage(reader, {
        1: readInto(resource, "resource", (r, w) => message(decodeResource)(r, w)),
        2: message((scopeReader) => {
          const items: Fields[] = [];
          readMessage(scopeReader, { 2: (r, w) => items.push(message(decodeItem)(r, w)) });
          scopes.push({ [itemKey]: items });
        }),
      });
      resources.push(resource);
    }),
  });
  return { [resourceKey]: resources };
}

/** ExportMetricsServiceRequest → its OTLP/JSON shape (still to be checked by ExportMetricsRequestSchema). */
export const decodeMetricsRequest = (bytes: Uint8Array): unknown =>
  decodeExport(bytes, "resourceMetrics", "scopeMetrics", "metrics", decodeMetric);

function decodeLogRecord(reader: Reader): Fields {
  const attributes: KeyValue[] = [];
  const record: Fields = { attributes };
  readMessage(reader, {
    1: readInto(record, "timeUnixNano", fixed64),
    11: readInto(record, "observedTimeUnixNano", fixed64),
    2: readInto(record, "severityNumber", (r, w) => Number(BigInt.asIntN(32, varint(r, w)))),
    3: readInto(record, "severityText", text),
    5: readInto(record, "body", message(decodeAnyValue)),
    6: attributesInto(attributes),
    9: (r, w) => {
      expect(w, LEN);
      record.traceId = hexOf(r.raw());
    },
    10: (r, w) => {
      expect(w, LEN);
      record.spanId = hexOf(r.raw());
    },
    12: readInto(record, "eventName", text),
  });
  return record;
}

/** ExportLogsServiceRequest → its OTLP/JSON shape (still to be checked by ExportLogsRequestSchema). */
export const decodeLogsRequest = (bytes: Uint8Array): unknown =>
  decodeExport(bytes, "resourceLogs", "scopeLogs", "logRecords", decodeLogRecord);

function writeVarint(into: number[], value: number): void {
  let rest = value;
  while (rest >= 0x80) {
    into.push((rest & 0x7f) | 0x80);
    rest = Math.floor(rest / 128);
  }
  into.push(rest);
}

function writeText(into: number[], field: number, value: string): void {
  const bytes = new TextEncoder().encode(value);
  writeVarint(into, (field << 3) | LEN);
  writeVarint(into, bytes.length);
  into.push(...bytes);
}

/**
 * Export{Metrics,Logs}ServiceResponse: partial_success (1) with the rejected count (1) and the message (2);
 * both services number these fields alike. No rejection is an empty message.
 */
export function encodeExportResponse(rejected: number, errorMessage: string): Uint8Array<ArrayBuffer> {
  if (rejected === 0) return new Uint8Array(0);
  const partial: number[] = [];
  writeVarint(partial, (1 << 3) | VARINT);
  writeVarint(partial, rejected);
  if (errorMessage) writeText(partial, 2, errorMessage);
  const out: number[] = [];
  writeVarint(out, (1 << 3) | LEN);
  writeVarint(out, partial.length);
  out.push(...partial);
  return new Uint8Array(out);
}
