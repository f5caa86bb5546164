import { describe, expect, it } from "vitest";
import { readRecord } from "../../../workers/catalog/entities.ts";
import {
  atScale,
  displayDecimal,
  parseMoney,
  parseTaxRate,
  plainDecimal,
} from "../../../workers/catalog/values.ts";

describe("decimal values as text", () => {
  it("reads thousands separators and decimal commas as people write them", () => {
    expect(plainDecimal("1,234.50", false)).toBe("1234.50");
    expect(plainDecimal("1.234,50", true)).toBe("1234.50");
    expect(plainDecimal("12,5", true)).toBe("12.5");
    expect(plainDecimal("12,5", false)).toBeNull();
    expect(plainDecimal("abc", false)).toBeNull();
  });

  it("rescales without floating point, so no amount is rounded", () => {
    expect(atScale("0.1", 4, 15)).toBe("0.1000");
    expect(atScale("999999999999999.9999", 4, 15)).toBe("999999999999999.9999");
    expect(atScale("1.00001", 4, 15)).toBeNull();
    expect(atScale("-0.0", 4, 15)).toBe("0.0000");
    expect(displayDecimal("12.5000")).toBe("12.50");
    expect(displayDecimal("12.3450")).toBe("12.345");
  });

  it("refuses negative prices and rates over 100", () => {
    expect(parseMoney("-1")).toMatchObject({ ok: false, code: "out_of_range" });
    expect(parseTaxRate("100")).toEqual({ ok: true, value: "100.000" });
    expect(parseTaxRate("100.5")).toMatchObject({ ok: false, code: "out_of_range" });
    expect(parseTaxRate("15%")).toEqual({ ok: true, value: "15.000" });
  });
});

describe("a catalog record from the text of its cells", () => {
  it("names each field that breaks a rule, and fills the optional ones", () => {
    const { values, issues } = readRecord(
      "products",
      { sku: "A-1", name: "", unit_price: "12,50", currency: "usd", stock: "3.5" },
      { decimalComma: true },
    );
    expect(issues).toEqual([
      { column: "name", code: "required", message: "name is required" },
      { column: "stock", code: "invalid_integer", message: "stock is not a whole number" },
    ]);
    expect(values).toMatchObject({
      sku: "A-1",
      unit_price: "12.5000",
      currency: "USD",
      active: true,
      tax_rate: "0.000",
    });
  });

  it("checks a client's tax id by its country", () => {
    const bad = readRecord(
      "clients",
      { name: "X", tax_id: "1790016918001", country: "EC" },
      { decimalComma: false },
    );
    expect(bad.issues.map((issue) => issue.code)).toEqual(["invalid_tax_id"]);
    const good = readRecord(
      "clients",
      { name: "X", tax_id: "B-12345674", country: "es" },
      { decimalComma: false },
    );
    expect(good.issues).toEqual([]);
    expect(good.values).toMatchObject({ tax_id: "B12345674", country: "ES" });
  });
});
