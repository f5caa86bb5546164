import { describe, expect, it } from "vitest";
import {
  CsvParser,
  type CsvRecord,
  detectDelimiter,
  sniffEncoding,
  textDecoderFor,
} from "../../../workers/imports/csv.ts";
import { LONG_NAME, MESSY_CSV_TEXT, messyCsvUtf8, messyCsvWindows1252 } from "../../support/messy-csv.ts";

/** Every record of `text` read in pieces of `size` characters. */
function readInPieces(text: string, size: number, delimiter: "," | ";" | "\t" = ";"): CsvRecord[] {
  const parser = new CsvParser(delimiter);
  const records: CsvRecord[] = [];
  for (let start = 0; start < text.length; start += size)
    records.push(...parser.push(text.slice(start, start + size)));
  return [...records, ...parser.end()];
}

/** Every record of `bytes` decoded in pieces of `size` bytes, as the file job reads them. */
function decodeInPieces(bytes: Uint8Array, size: number): CsvRecord[] {
  const decode = textDecoderFor(sniffEncoding(bytes));
  const parser = new CsvParser(";");
  const records: CsvRecord[] = [];
  for (let start = 0; start < bytes.length; start += size)
    records.push(...parser.push(decode(bytes.subarray(start, start + size))));
  return [...records, ...parser.push(decode(new Uint8Array(), true)), ...parser.end()];
}

describe("the streaming CSV reader", () => {
  it("reads the messy file's records with the line each starts on", () => {
    const records = readInPieces(MESSY_CSV_TEXT, MESSY_CSV_TEXT.length);
    expect(records.map((record) => record.line)).toEqual([1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    expect(records[0]?.fields).toEqual([
      "Código",
      "Nombre",
      "Detalle",
      "CATEGORÍA ",
      "Precio unitario",
      "Moneda",
      "IVA %",
      "Existencias",
      "Color",
    ]);
    expect(records[1]?.fields.slice(0, 3)).toEqual(["CAF-001", "Café de Loja", "Tostado medio; 500 g"]);
    expect(records[2]?.fields.slice(0, 5)).toEqual([
      "CAF-002",
      'Café "Especial"',
      "Notas de chocolate,\r\ncaramelo",
      "Bebidas",
      "1.234,56",
    ]);
    expect(records[7]?.fields[1]).toBe(LONG_NAME);
    expect(records.every((record) => record.fields.length === 9)).toBe(true);
  });

  it("gives the same records whatever the size of the pieces the text arrives in", () => {
    const whole = readInPieces(MESSY_CSV_TEXT, MESSY_CSV_TEXT.length);
    for (const size of [1, 2, 3, 7, 64]) expect(readInPieces(MESSY_CSV_TEXT, size)).toEqual(whole);
  });

  it("decodes the UTF-8 file with its BOM and the Windows-1252 file to the same records, byte by byte too", () => {
    const whole = readInPieces(MESSY_CSV_TEXT, MESSY_CSV_TEXT.length);
    expect(sniffEncoding(messyCsvUtf8())).toBe("utf-8");
    expect(sniffEncoding(messyCsvWindows1252())).toBe("windows-1252");
    for (const size of [1, 5, 4096]) {
      expect(decodeInPieces(messyCsvUtf8(), size)).toEqual(whole);
      expect(decodeInPieces(messyCsvWindows1252(), size)).toEqual(whole);
    }
  });

  it("reads Windows-1252's own characters in 0x80–0x9F", () => {
    expect(textDecoderFor("windows-1252")(new Uint8Array([0x80, 0x93, 0x41, 0x94, 0xf1]))).toBe("€“A”ñ");
  });

  it("ends lines at CRLF, LF or a lone CR, skips blank lines and keeps empty fields", () => {
    expect(readInPieces("a,b\r\n\r\n1,\n,2\r3,4", 1, ",")).toEqual([
      { line: 1, fields: ["a", "b"] },
      { line: 3, fields: ["1", ""] },
      { line: 4, fields: ["", "2"] },
      { line: 5, fields: ["3", "4"] },
    ]);
  });

  it("says when the file ends inside a quoted field, and reads a quote inside a plain field as text", () => {
    expect(readInPieces('a,b"c\n"open,x', 4, ",")).toEqual([
      { line: 1, fields: ["a", 'b"c'] },
      { line: 2, fields: ["open,x"], unterminated: true },
    ]);
  });

  it("detects the header's delimiter outside quotes", () => {
    expect(detectDelimiter("a;b;c\n1,2;3")).toBe(";");
    expect(detectDelimiter('"a;b",c,d\n')).toBe(",");
    expect(detectDelimiter("a\tb\tc")).toBe("\t");
    expect(detectDelimiter("single")).toBe(",");
  });
});
