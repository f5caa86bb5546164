import { checkTaxId } from "./tax-ids.ts";
import {
  type Parsed,
  parseBoolean,
  parseCountry,
  parseCurrency,
  parseEmail,
  parseMoney,
  parseStock,
  parseTaxRate,
} from "./values.ts";

/** What the catalog holds, as the import and the field settings name it. */
export const ENTITIES = ["products", "clients", "suppliers"] as const;
export type Entity = (typeof ENTITIES)[number];

/** A catalog record's values by field name, as stored: text, decimal strings, whole numbers, booleans. */
export type RecordValues = Record<string, string | number | boolean | null>;

export type FieldRule = {
  name: string;
  /** Required by the catalog itself; a tenant's field settings may require more. */
  required: boolean;
  maxLength: number;
  /** Reads the text of a cell; plain text fields are only trimmed and bounded. */
  parse?: (text: string, decimalComma: boolean) => Parsed<string | number | boolean>;
  /** Stored when the row leaves the field empty (and no default is configured). */
  fallback?: string | number | boolean | null;
};

const text = (name: string, maxLength: number, required = false): FieldRule => ({
  name,
  required,
  maxLength,
});

const PRODUCT_FIELDS: FieldRule[] = [
  text("sku", 64, true),
  text("name", 200, true),
  { ...text("description", 2000), fallback: "" },
  { ...text("category", 100), fallback: "" },
  { name: "unit_price", required: true, maxLength: 40, parse: parseMoney },
  { name: "currency", required: true, maxLength: 3, parse: parseCurrency },
  { name: "tax_rate", required: false, maxLength: 20, parse: parseTaxRate, fallback: "0.000" },
  { name: "stock", required: false, maxLength: 12, parse: parseStock, fallback: 0 },
  { name: "active", required: false, maxLength: 10, parse: parseBoolean, fallback: true },
  { ...text("external_id", 100), fallback: null },
];

const PARTY_FIELDS: FieldRule[] = [
  text("name", 200, true),
  text("tax_id", 20, true),
  { name: "country", required: true, maxLength: 2, parse: parseCountry },
  { name: "email", required: false, maxLength: 254, parse: parseEmail, fallback: null },
  { ...text("phone", 40), fallback: null },
  { ...text("address", 500), fallback: null },
  { ...text("external_id", 100), fallback: null },
];

export const ENTITY_FIELDS: Record<Entity, FieldRule[]> = {
  products: PRODUCT_FIELDS,
  clients: PARTY_FIELDS,
  suppliers: PARTY_FIELDS,
};

/** The fields a batch may match existing records on: each is unique per tenant (and kind). */
export const MATCH_KEYS: Record<Entity, readonly [string, ...string[]]> = {
  products: ["sku", "external_id"],
  clients: ["tax_id", "external_id"],
  suppliers: ["tax_id", "external_id"],
};

export type CellIssue = { column: string; code: string; message: string };

/**
 * A record from the text of its cells (by field name), with every problem found, each naming its field:
 * required fields, lengths, each field's own rule, and the tax id's check for its country.
 */
export function readRecord(
  entity: Entity,
  cells: Record<string, string>,
  options: { decimalComma: boolean; required?: ReadonlySet<string> },
): { values: RecordValues; issues: CellIssue[] } {
  const values: RecordValues = {};
  const issues: CellIssue[] = [];
  for (const rule of ENTITY_FIELDS[entity]) {
    const cell = (cells[rule.name] ?? "").trim();
    if (cell === "") {
      if (rule.required || options.required?.has(rule.name))
        issues.push({ column: rule.name, code: "required", message: `${rule.name} is required` });
      else values[rule.name] = rule.fallback ?? null;
      continue;
    }
    if (cell.length > rule.maxLength) {
      issues.push({
        column: rule.name,
        code: "too_long",
        message: `${rule.name} is longer than ${rule.maxLength} characters`,
      });
      continue;
    }
    const parsed = rule.parse ? rule.parse(cell, options.decimalComma) : ({ ok: true, value: cell } as const);
    if (parsed.ok) values[rule.name] = parsed.value;
    else issues.push({ column: rule.name, code: parsed.code, message: `${rule.name} ${parsed.message}` });
  }
  if (entity !== "products" && typeof values.tax_id === "string" && typeof values.country === "string") {
    const check = checkTaxId(values.country, values.tax_id);
    if (check.ok) values.tax_id = check.taxId;
    else issues.push({ column: "tax_id", code: "invalid_tax_id", message: `tax_id: ${check.reason}` });
  }
  return { values, issues };
}
