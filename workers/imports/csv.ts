/**
 * A streaming CSV reader: text arrives in chunks of any size and complete records come out, each with the
 * line of the file it starts on, so only the record being read is ever held. RFC 4180 quoting (a quoted
 * field may hold the delimiter, quotes doubled as `""`, and line breaks), with CRLF, LF or CR line ends.
 */

export type CsvDelimiter = "," | ";" | "\t";

export type CsvRecord = {
  /** The line of the file the record starts on, counting from 1. */
  line: number;
  fields: string[];
  /** The file ended inside a quoted field: the record is what was read up to the end. */
  unterminated?: true;
};

const QUOTE = 34;
const CR = 13;
const LF = 10;

export class CsvParser {
  readonly #delimiter: number;
  #fields: string[] = [];
  #field = "";
  #inQuotes = false;
  /** A quote was read inside a quoted field: the next character says whether it closes it or is doubled. */
  #quoteSeen = false;
  /** The chunk ended on a CR: a LF starting the next one belongs to the same line end. */
  #afterCr = false;
  /** Whether anything of the current record has been read, so blank lines give no record. */
  #started = false;
  #line = 1;
  #recordLine = 1;

  constructor(delimiter: CsvDelimiter) {
    this.#delimiter = delimiter.charCodeAt(0);
  }

  /** Reads a chunk and returns the records it completed. */
  push(text: string): CsvRecord[] {
    const records: CsvRecord[] = [];
    let start = 0;
    for (let index = 0; index < text.length; index++) {
      const code = text.charCodeAt(index);
      if (this.#afterCr) {
        this.#afterCr = false;
        // Inside quotes the LF stays in the field's text with its CR; outside, the line end is done.
        if (code === LF) {
          if (!this.#inQuotes) start = index + 1;
          continue;
        }
      }
      if (this.#inQuotes) {
        if (this.#quoteSeen) {
          this.#quoteSeen = false;
          if (code === QUOTE) {
            this.#field += '"';
            start = index + 1;
            continue;
          }
          this.#inQuotes = false;
          // The closing quote was the field's end; this character is read as outside quotes, below.
        } else {
          if (code === QUOTE) {
            this.#field += text.slice(start, index);
            this.#quoteSeen = true;
            start = index + 1;
          } else if (code === LF || code === CR) {
            this.#line++;
            if (code === CR && text.charCodeAt(index + 1) === LF) index++;
            else if (code === CR && index + 1 === text.length) this.#afterCr = true;
          }
          continue;
        }
      }
      if (code === this.#delimiter) {
        this.#fields.push(this.#field + text.slice(start, index));
        this.#field = "";
        this.#started = true;
        start = index + 1;
      } else if (code === LF || code === CR) {
        this.#field += text.slice(start, index);
        const record = this.#endRecord();
        if (record) records.push(record);
        this.#line++;
        this.#recordLine = this.#line;
        if (code === CR) {
          if (text.charCodeAt(index + 1) === LF) index++;
          else if (index + 1 === text.length) this.#afterCr = true;
        }
        start = index + 1;
      } else if (code === QUOTE && start === index && this.#field === "") {
        // A quote opens a quoted field only as the field's first character; elsewhere it is text.
        this.#inQuotes = true;
        this.#started = true;
        start = index + 1;
      }
    }
    this.#field += text.slice(start);
    return records;
  }

  /** The record left when the text ends (one without a final line end, or an unterminated quote). */
  end(): CsvRecord[] {
    const unterminated = this.#inQuotes && !this.#quoteSeen;
    this.#inQuotes = false;
    this.#quoteSeen = false;
    const record = this.#endRecord();
    if (!record) return [];
    return [unterminated ? { ...record, unterminated: true } : record];
  }

  #endRecord(): CsvRecord | null {
    const fields = [...this.#fields, this.#field];
    const blank = !this.#started && this.#field === "";
    this.#fields = [];
    this.#field = "";
    this.#started = false;
    if (blank) return null;
    return { line: this.#recordLine, fields };
  }
}

/** The delimiter the header line uses most, outside quotes: comma, semicolon or tab. */
export function detectDelimiter(sample: string): CsvDelimiter {
  const counts = { ",": 0, ";": 0, "\t": 0 };
  let inQuotes = false;
  for (const char of sample) {
    if (char === '"') inQuotes = !inQuotes;
    else if (!inQuotes && (char === "\n" || char === "\r")) break;
    else if (!inQuotes && (char === "," || char === ";" || char === "\t")) counts[char]++;
  }
  const [best] = (Object.entries(counts) as [CsvDelimiter, number][]).sort((a, b) => b[1] - a[1]);
  return best && best[1] > 0 ? best[0] : ",";
}

export type SourceEncoding = "utf-8" | "windows-1252";

/**
 * The encoding of a file from its first bytes: UTF-8 when they have a BOM or decode as UTF-8 (a sequence
 * cut at the end of the sample is fine), otherwise Windows-1252, what Excel writes on Windows in Spain
 * and Latin America.
 */
export function sniffEncoding(sample: Uint8Array): SourceEncoding {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return "utf-8";
  try {
    new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(sample, { stream: true });
    return "utf-8";
  } catch {
    return "windows-1252";
  }
}

/** Windows-1252's 0x80–0x9F (the rest of its bytes are their Latin-1 code points). */
const WINDOWS_1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d,
  0x17d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a,
  0x153, 0x9d, 0x17e, 0x178,
];

function decodeWindows1252(bytes: Uint8Array): string {
  let text = "";
  // Converted a slice at a time: String.fromCharCode takes its arguments on the stack.
  for (let start = 0; start < bytes.length; start += 8192) {
    const codes = Array.from(bytes.subarray(start, start + 8192), (byte) =>
      byte >= 0x80 && byte <= 0x9f ? (WINDOWS_1252_HIGH[byte - 0x80] ?? byte) : byte,
    );
    text += String.fromCharCode(...codes);
  }
  return text;
}

/**
 * Decodes a file's bytes chunk by chunk in the given encoding, dropping a UTF-8 BOM. A UTF-8 sequence cut
 * between chunks is completed by the next one; invalid UTF-8 becomes U+FFFD.
 */
export function textDecoderFor(encoding: SourceEncoding): (bytes: Uint8Array, last?: boolean) => string {
  if (encoding === "windows-1252") return (bytes) => decodeWindows1252(bytes);
  const decoder = new TextDecoder("utf-8", { fatal: false, ignoreBOM: false });
  return (bytes, last = false) => decoder.decode(bytes, { stream: !last });
}
