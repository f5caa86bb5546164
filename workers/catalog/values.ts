/**
 * The catalog's value rules as pure functions over text, shared by the API's schemas and the import's
 * validation, so a value a file may hold is exactly one the API accepts. Money and rates stay decimal
 * strings throughout: they are checked and rescaled as text, never parsed into a float.
 */

export type Parsed<T> = { ok: true; value: T } | { ok: false; code: string; message: string };

const fail = (code: string, message: string) => ({ ok: false, code, message }) as const;

/** Digits of a money amount: up to 15 before the point, 4 after (the columns are numeric(19,4)). */
export const MONEY_SCALE = 4;
const MONEY_INTEGER_DIGITS = 15;

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

/**
 * Reads a decimal written by people: `1234.5`, `1,234.50`, or with `decimalComma` `1.234,50` and `1234,5`.
 * Returns it as a plain decimal string (`1234.50`), or null when it is not a number.
 */
export function plainDecimal(text: string, decimalComma: boolean): string | null {
  let value = text.trim().replace(/\s/g, "");
  if (decimalComma) {
    if (/^-?\d{1,3}(\.\d{3})+(,\d+)?$/.test(value)) value = value.replaceAll(".", "");
    value = value.replace(",", ".");
  } else if (/^-?\d{1,3}(,\d{3})+(\.\d+)?$/.test(value)) {
    value = value.replaceAll(",", "");
  }
  return DECIMAL.test(value) ? value : null;
}

/**
 * A decimal at a fixed scale, as text (`12.5` at scale 4 is `12.5000`): the form the numeric columns
 * return, so stored and incoming values compare as strings. Null when it has more digits than allowed.
 */
export function atScale(decimal: string, scale: number, integerDigits: number): string | null {
  const match = decimal.match(DECIMAL);
  if (!match) return null;
  const [, sign = "", whole = "", fraction = ""] = match;
  const integer = whole.replace(/^0+(?=\d)/, "");
  if (integer.length > integerDigits || fraction.replace(/0+$/, "").length > scale) return null;
  const digits = `${integer}.${fraction.slice(0, scale).padEnd(scale, "0")}`;
  return /^0\.0*$/.test(digits) ? digits : `${sign}${digits}`;
}

/** A decimal shown to clients: the stored scale without trailing zeros past the cents (`12.5000` → `12.50`). */
export const displayDecimal = (decimal: string) => decimal.replace(/(\.\d\d\d*?)0+$/, "$1");

export function parseMoney(text: string, decimalComma = false): Parsed<string> {
  const decimal = plainDecimal(text, decimalComma);
  if (decimal === null) return fail("invalid_number", "is not a decimal amount");
  if (decimal.startsWith("-")) return fail("out_of_range", "cannot be negative");
  const scaled = atScale(decimal, MONEY_SCALE, MONEY_INTEGER_DIGITS);
  if (scaled === null)
    return fail("out_of_range", `has more than ${MONEY_INTEGER_DIGITS} digits or ${MONEY_SCALE} decimals`);
  return { ok: true, value: scaled };
}

/** A tax rate in percent, 0 to 100, with up to 3 decimals. */
export function parseTaxRate(text: string, decimalComma = false): Parsed<string> {
  const decimal = plainDecimal(text.replace(/%$/, ""), decimalComma);
  if (decimal === null) return fail("invalid_number", "is not a percentage");
  const scaled = atScale(decimal, 3, 3);
  // Compared as text: at a fixed scale, 100.000 is the largest allowed and sorts like any other.
  if (scaled === null || scaled.startsWith("-") || scaled.padStart(7, "0") > "100.000")
    return fail("out_of_range", "must be a percentage from 0 to 100");
  return { ok: true, value: scaled };
}

export function parseStock(text: string): Parsed<number> {
  const value = text.trim();
  if (!/^-?\d{1,9}$/.test(value)) return fail("invalid_integer", "is not a whole number");
  return { ok: true, value: Number(value) };
}

const TRUE = new Set(["true", "1", "yes", "y", "si", "sí", "s", "x", "on", "activo", "active"]);
const FALSE = new Set(["false", "0", "no", "n", "off", "inactivo", "inactive"]);

export function parseBoolean(text: string): Parsed<boolean> {
  const value = text.trim().toLowerCase();
  if (TRUE.has(value)) return { ok: true, value: true };
  if (FALSE.has(value)) return { ok: true, value: false };
  return fail("invalid_boolean", "is not yes or no (true/false, sí/no, 1/0)");
}

const CURRENCIES: ReadonlySet<string> = new Set(Intl.supportedValuesOf("currency"));

/** An ISO 4217 currency code, as the runtime's ICU data lists them. */
export function parseCurrency(text: string): Parsed<string> {
  const code = text.trim().toUpperCase();
  if (!CURRENCIES.has(code)) return fail("invalid_currency", "is not an ISO 4217 currency code");
  return { ok: true, value: code };
}

const REGIONS = new Intl.DisplayNames(["en"], { type: "region", fallback: "none" });

/** An ISO 3166-1 alpha-2 country code. */
export function parseCountry(text: string): Parsed<string> {
  const code = text.trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(code) || REGIONS.of(code) === undefined)
    return fail("invalid_country", "is not an ISO 3166-1 alpha-2 country code");
  return { ok: true, value: code };
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function parseEmail(text: string): Parsed<string> {
  const email = text.trim();
  if (!EMAIL.test(email) || email.length > 254) return fail("invalid_email", "is not an email address");
  return { ok: true, value: email.toLowerCase() };
}
