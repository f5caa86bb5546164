/**
 * Tax identifiers and their check digits, for the countries whose scheme has one: Ecuador (cédula and RUC)
 * and Spain (NIF, NIE and CIF). Other countries' identifiers are kept as written, without a check.
 */

export type TaxIdCheck = { ok: true; taxId: string } | { ok: false; reason: string };

const digitsOf = (text: string) => [...text].map(Number);

/** Removes what people type around an identifier: spaces, dots, dashes and slashes. */
export const normalizeTaxId = (taxId: string) => taxId.replace(/[\s.\-/]/g, "").toUpperCase();

const weightedSum = (digits: number[], weights: number[]) =>
  weights.reduce((sum, weight, index) => sum + weight * (digits[index] ?? 0), 0);

/** Ecuador's provinces are 01–24; 30 is for Ecuadorians registered abroad. */
const validProvince = (digits: number[]) => {
  const province = (digits[0] ?? 0) * 10 + (digits[1] ?? 0);
  return (province >= 1 && province <= 24) || province === 30;
};

/** The cédula's tenth digit: modulo 10 over the first nine with weights 2,1,2,1…, each product's digits summed. */
function cedulaCheckDigit(digits: number[]): number {
  const sum = digits.slice(0, 9).reduce((total, digit, index) => {
    const product = digit * (index % 2 === 0 ? 2 : 1);
    return total + (product > 9 ? product - 9 : product);
  }, 0);
  return (10 - (sum % 10)) % 10;
}

/** Modulo 11 as the SRI computes it for companies: 11 − remainder, where 11 means 0 and 10 cannot occur. */
function modulo11(digits: number[], weights: number[]): number | null {
  const check = 11 - (weightedSum(digits, weights) % 11);
  if (check === 11) return 0;
  return check === 10 ? null : check;
}

export function checkEcuadorianCedula(cedula: string): TaxIdCheck {
  if (!/^\d{10}$/.test(cedula)) return { ok: false, reason: "a cédula has 10 digits" };
  const digits = digitsOf(cedula);
  if (!validProvince(digits)) return { ok: false, reason: "its first two digits are not a province" };
  if ((digits[2] ?? 0) > 5) return { ok: false, reason: "its third digit must be 0 to 5 for a person" };
  if (cedulaCheckDigit(digits) !== digits[9]) return { ok: false, reason: "its check digit does not match" };
  return { ok: true, taxId: cedula };
}

/**
 * A RUC is 13 digits: a person's is the cédula and an establishment (001…); a private company's (third
 * digit 9) has a modulo-11 check at the tenth digit; a public body's (third digit 6) at the ninth.
 */
export function checkEcuadorianRuc(ruc: string): TaxIdCheck {
  if (!/^\d{13}$/.test(ruc)) return { ok: false, reason: "a RUC has 13 digits" };
  const digits = digitsOf(ruc);
  if (!validProvince(digits)) return { ok: false, reason: "its first two digits are not a province" };
  const third = digits[2] ?? 0;
  if (third <= 5) {
    const person = checkEcuadorianCedula(ruc.slice(0, 10));
    if (!person.ok) return person;
    if (ruc.slice(10) === "000") return { ok: false, reason: "its establishment number cannot be 000" };
    return { ok: true, taxId: ruc };
  }
  if (third === 9) {
    if (modulo11(digits, [4, 3, 2, 7, 6, 5, 4, 3, 2]) !== digits[9])
      return { ok: false, reason: "its check digit does not match" };
    if (ruc.slice(10) === "000") return { ok: false, reason: "its establishment number cannot be 000" };
    return { ok: true, taxId: ruc };
  }
  if (third === 6) {
    if (modulo11(digits, [3, 2, 7, 6, 5, 4, 3, 2]) !== digits[8])
      return { ok: false, reason: "its check digit does not match" };
    if (ruc.slice(9) === "0000") return { ok: false, reason: "its establishment number cannot be 0000" };
    return { ok: true, taxId: ruc };
  }
  return { ok: false, reason: "its third digit must be 0 to 6 or 9" };
}

const DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE";
const CIF_LETTERS = "JABCDEFGHI";

/** A DNI (8 digits), an NIE (X, Y or Z and 7 digits) or a K/L/M NIF (7 digits), each with its letter. */
function checkSpanishPersonalNif(nif: string): TaxIdCheck | null {
  const match = nif.match(/^([XYZKLM]?)(\d{7,8})([A-Z])$/);
  if (!match) return null;
  const [, prefix = "", number = "", letter] = match;
  const expectedLength = prefix === "" ? 8 : 7;
  if (number.length !== expectedLength) return null;
  // An NIE's X, Y and Z stand for 0, 1 and 2; the K, L and M of other NIFs add nothing.
  const nieDigit = prefix === "" ? -1 : "XYZ".indexOf(prefix);
  const value = Number(`${nieDigit >= 0 ? nieDigit : ""}${number}`);
  if (DNI_LETTERS[value % 23] !== letter) return { ok: false, reason: "its control letter does not match" };
  return { ok: true, taxId: nif };
}

/**
 * A CIF: an organisation letter, 7 digits and a control character. Digits in odd places are doubled
 * (the digits of the product summed), those in even places added; the control is 10 − the last digit of
 * the sum, written as a digit or as the letter JABCDEFGHI names it, as the organisation type requires.
 */
function checkSpanishCif(cif: string): TaxIdCheck | null {
  const match = cif.match(/^([ABCDEFGHJNPQRSUVW])(\d{7})([0-9A-J])$/);
  if (!match) return null;
  const [, kind = "", number = "", control = ""] = match;
  const sum = digitsOf(number).reduce((total, digit, index) => {
    if (index % 2 === 1) return total + digit;
    const doubled = digit * 2;
    return total + Math.floor(doubled / 10) + (doubled % 10);
  }, 0);
  const digit = (10 - (sum % 10)) % 10;
  const letter = CIF_LETTERS[digit];
  const accepted = "PQRSNW".includes(kind)
    ? [letter]
    : "ABEH".includes(kind)
      ? [`${digit}`]
      : [letter, `${digit}`];
  if (!accepted.includes(control)) return { ok: false, reason: "its control character does not match" };
  return { ok: true, taxId: cif };
}

export function checkSpanishTaxId(taxId: string): TaxIdCheck {
  return (
    checkSpanishPersonalNif(taxId) ??
    checkSpanishCif(taxId) ?? { ok: false, reason: "it is not a NIF, NIE or CIF" }
  );
}

/**
 * Checks a tax id for its country (ISO 3166-1 alpha-2) after normalizing it. Ecuador takes a cédula
 * (10 digits) or a RUC (13); Spain a NIF, NIE or CIF; elsewhere any 1–20 letters and digits.
 */
export function checkTaxId(country: string, taxId: string): TaxIdCheck {
  const normalized = normalizeTaxId(taxId);
  if (country === "EC")
    return normalized.length === 13 ? checkEcuadorianRuc(normalized) : checkEcuadorianCedula(normalized);
  if (country === "ES") return checkSpanishTaxId(normalized.replace(/^ES(?=[A-Z0-9]{9}$)/, ""));
  if (!/^[A-Z0-9]{1,20}$/.test(normalized)) return { ok: false, reason: "use 1 to 20 letters and digits" };
  return { ok: true, taxId: normalized };
}
