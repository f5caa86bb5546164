import { describe, expect, it } from "vitest";
import {
  checkEcuadorianCedula,
  checkEcuadorianRuc,
  checkSpanishTaxId,
  checkTaxId,
} from "../../../workers/catalog/tax-ids.ts";

describe("Ecuadorian cédula and RUC check digits", () => {
  it("accepts a cédula whose modulo-10 digit matches and refuses it with any other last digit", () => {
    expect(checkEcuadorianCedula("1710034065")).toEqual({ ok: true, taxId: "1710034065" });
    for (const last of "012346789") expect(checkEcuadorianCedula(`171003406${last}`).ok).toBe(false);
  });

  it("refuses a cédula of an unknown province, a company's third digit or the wrong length", () => {
    expect(checkEcuadorianCedula("2510034065")).toMatchObject({
      ok: false,
      reason: expect.stringContaining("province"),
    });
    expect(checkEcuadorianCedula("1790034065")).toMatchObject({
      ok: false,
      reason: expect.stringContaining("third"),
    });
    expect(checkEcuadorianCedula("171003406")).toMatchObject({
      ok: false,
      reason: expect.stringContaining("10 digits"),
    });
  });

  it("checks a private company's RUC by modulo 11 at its tenth digit", () => {
    expect(checkEcuadorianRuc("1790016919001").ok).toBe(true);
    expect(checkEcuadorianRuc("1790016918001").ok).toBe(false);
    expect(checkEcuadorianRuc("1790016919000")).toMatchObject({
      ok: false,
      reason: expect.stringContaining("000"),
    });
  });

  it("checks a public body's RUC by modulo 11 at its ninth digit", () => {
    expect(checkEcuadorianRuc("1760013210001").ok).toBe(true);
    expect(checkEcuadorianRuc("1760013220001").ok).toBe(false);
  });

  it("checks a person's RUC as their cédula and an establishment", () => {
    expect(checkEcuadorianRuc("1710034065001").ok).toBe(true);
    expect(checkEcuadorianRuc("1710034064001").ok).toBe(false);
  });
});

describe("Spanish NIF, NIE and CIF check characters", () => {
  it("accepts a DNI and an NIE with their control letter, and no other letter", () => {
    expect(checkSpanishTaxId("12345678Z").ok).toBe(true);
    expect(checkSpanishTaxId("12345678A").ok).toBe(false);
    expect(checkSpanishTaxId("X1234567L").ok).toBe(true);
    expect(checkSpanishTaxId("Y1234567X").ok).toBe(true);
    expect(checkSpanishTaxId("X1234567T").ok).toBe(false);
  });

  it("accepts a company's CIF with a control digit and a public body's with a control letter", () => {
    expect(checkSpanishTaxId("B12345674").ok).toBe(true);
    expect(checkSpanishTaxId("B12345675").ok).toBe(false);
    // A limited company (B) takes a digit, a public body (Q) a letter.
    expect(checkSpanishTaxId("B1234567D").ok).toBe(false);
    expect(checkSpanishTaxId("Q2826000H").ok).toBe(true);
    expect(checkSpanishTaxId("Q28260008").ok).toBe(false);
  });

  it("refuses what is none of them", () => {
    expect(checkSpanishTaxId("1234")).toMatchObject({
      ok: false,
      reason: expect.stringContaining("NIF, NIE or CIF"),
    });
  });
});

describe("tax ids by country", () => {
  it("normalizes what people type around the identifier before checking it", () => {
    expect(checkTaxId("EC", "1790016919-001")).toEqual({ ok: true, taxId: "1790016919001" });
    expect(checkTaxId("ES", "12.345.678-z")).toEqual({ ok: true, taxId: "12345678Z" });
    expect(checkTaxId("ES", "ESB12345674")).toEqual({ ok: true, taxId: "B12345674" });
  });

  it("takes a cédula or a RUC in Ecuador by its length", () => {
    expect(checkTaxId("EC", "1710034065").ok).toBe(true);
    expect(checkTaxId("EC", "1710034066").ok).toBe(false);
  });

  it("keeps other countries' identifiers without a check digit, within bounds", () => {
    expect(checkTaxId("PE", "20100070970")).toEqual({ ok: true, taxId: "20100070970" });
    expect(checkTaxId("PE", "").ok).toBe(false);
  });
});
