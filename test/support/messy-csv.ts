/**
 * A products file as people export it from a spreadsheet in Ecuador or Spain: a BOM, `;` between fields,
 * decimal commas, quoted fields holding the delimiter, quotes and a line break, accented and oddly cased
 * headers (matched by the aliases in MESSY_ALIASES), an unknown column, CRLF line ends, and rows with
 * missing, malformed, duplicate and too long values. MESSY_ERRORS is exactly what validation must find.
 */

export const LONG_NAME = "Azúcar morena ".repeat(15).trim();

const lines = [
  "Código;Nombre;Detalle;CATEGORÍA ;Precio unitario;Moneda;IVA %;Existencias;Color",
  'CAF-001;Café de Loja;"Tostado medio; 500 g";Bebidas;4,50;USD;15;120;marrón',
  'CAF-002;"Café ""Especial""";"Notas de chocolate,',
  'caramelo";Bebidas;1.234,56;USD;15;8;',
  "TE-001;Té verde;;Bebidas;;USD;15;10;verde",
  "TE-002;Té negro;;Bebidas;abc;USD;15;10;",
  "CAF-001;Café repetido;;Bebidas;5,00;USD;15;1;",
  ";Sin código;;Otros;1,00;USD;0;0;",
  `AZU-001;${LONG_NAME};;Otros;2,00;USD;0;5;`,
  "AZU-002;Azúcar;;Otros;2,00;XYZ;0;5;",
  "AZU-003;Panela;;Otros;1,75;USD;150;5;",
  "AZU-004;Miel;;Otros;3,20;USD;15;2,5;",
  "AZU-005;Canela en rama;;Especias;0,99;EUR;21;40;",
];

export const MESSY_CSV_TEXT = `${lines.join("\r\n")}\r\n`;

/** The same file as Excel writes it in UTF-8: with a byte-order mark. */
export const messyCsvUtf8 = () =>
  new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(MESSY_CSV_TEXT)]);

/** The same file in Windows-1252 (every character in it is Latin-1, one byte each). */
export const messyCsvWindows1252 = () =>
  Uint8Array.from(MESSY_CSV_TEXT, (char) => {
    const code = char.charCodeAt(0);
    if (code > 0xff) throw new Error(`${char} is not in Latin-1`);
    return code;
  });

export const MESSY_ALIASES = [
  { field: "sku", aliases: ["codigo"] },
  { field: "name", aliases: ["Nombre"] },
  { field: "description", aliases: ["detalle"] },
  { field: "category", aliases: ["Categoría"] },
  { field: "unit_price", aliases: ["  PRECIO UNITARIO "] },
  { field: "currency", aliases: ["moneda"] },
  { field: "tax_rate", aliases: ["IVA %"] },
  { field: "stock", aliases: ["existencias"] },
];

export const MESSY_ERRORS = [
  { row: 1, column: "Color", value: "", code: "unknown_column", severity: "warning" },
  { row: 5, column: "unit_price", value: "", code: "required", severity: "error" },
  { row: 6, column: "unit_price", value: "abc", code: "invalid_number", severity: "error" },
  { row: 7, column: "sku", value: "CAF-001", code: "duplicate_key", severity: "error" },
  { row: 8, column: "sku", value: "", code: "required", severity: "error" },
  { row: 9, column: "name", value: LONG_NAME, code: "too_long", severity: "error" },
  { row: 10, column: "currency", value: "XYZ", code: "invalid_currency", severity: "error" },
  { row: 11, column: "tax_rate", value: "150", code: "out_of_range", severity: "error" },
  { row: 12, column: "stock", value: "2,5", code: "invalid_integer", severity: "error" },
];
