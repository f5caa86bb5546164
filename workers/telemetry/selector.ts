import { type SQL, sql } from "drizzle-orm";

/** One label matcher, as PromQL writes them: `=`, `!=`, `=~` and `!~` (regexes anchored at both ends). */
export type Matcher = { label: string; op: "=" | "!=" | "=~" | "!~"; value: string };

/** A series selector: a metric name (or none) and label matchers, e.g. `http_requests{route=~"/api/.*"}`. */
export type Selector = { name: string | null; matchers: Matcher[] };

const NAME = /^[A-Za-z_:][A-Za-z0-9_:.]*/;
const LABEL = /^[A-Za-z_][A-Za-z0-9_.]*/;
const OPERATOR = /^(=~|!~|!=|=)/;
/** Regex syntax Postgres does not read alike (lookbehind, named groups, Unicode classes), refused up front. */
const UNPORTABLE_REGEX = /\(\?<|\\[pPk]/;

export class SelectorError extends Error {
  override name = "SelectorError";
}

function readQuoted(text: string, start: number): { value: string; end: number } {
  const quote = text[start];
  if (quote !== '"' && quote !== "'") throw new SelectorError(`expected a quoted value at ${start}`);
  let value = "";
  for (let index = start + 1; index < text.length; index++) {
    const char = text[index];
    if (char === "\\") {
      const next = text[index + 1];
      value += next === "n" ? "\n" : next === "t" ? "\t" : (next ?? "");
      index++;
    } else if (char === quote) return { value, end: index + 1 };
    else value += char;
  }
  throw new SelectorError("a quoted value is not closed");
}

/** Parses a selector; throws SelectorError naming what is wrong. */
export function parseSelector(text: string): Selector {
  let rest = text.trim();
  const name = NAME.exec(rest)?.[0] ?? null;
  if (name) rest = rest.slice(name.length).trim();
  const matchers: Matcher[] = [];
  if (rest.startsWith("{")) {
    let position = 1;
    const skipSpace = () => {
      while (rest[position] === " ") position++;
    };
    skipSpace();
    while (rest[position] !== "}") {
      const label = LABEL.exec(rest.slice(position))?.[0];
      if (!label) throw new SelectorError(`expected a label name at ${position}`);
      position += label.length;
      skipSpace();
      const op = OPERATOR.exec(rest.slice(position))?.[0] as Matcher["op"] | undefined;
      if (!op) throw new SelectorError(`expected =, !=, =~ or !~ after ${label}`);
      position += op.length;
      skipSpace();
      const quoted = readQuoted(rest, position);
      position = quoted.end;
      if (op === "=~" || op === "!~") checkRegex(quoted.value);
      matchers.push({ label, op, value: quoted.value });
      skipSpace();
      if (rest[position] === ",") {
        position++;
        skipSpace();
      } else if (rest[position] !== "}") throw new SelectorError(`expected , or } at ${position}`);
    }
    rest = rest.slice(position + 1).trim();
  }
  if (rest !== "") throw new SelectorError(`unexpected "${rest.slice(0, 20)}"`);
  if (!name && !matchers.some((matcher) => !matchesEmpty(matcher)))
    throw new SelectorError("name a metric or give a matcher that does not match the empty label");
  return { name, matchers };
}

function checkRegex(pattern: string): void {
  if (UNPORTABLE_REGEX.test(pattern))
    throw new SelectorError(`regex ${pattern} uses syntax that is not supported`);
  try {
    new RegExp(pattern);
  } catch {
    throw new SelectorError(`regex ${pattern} is not valid`);
  }
}

/** Whether a matcher matches a series without the label (Prometheus reads a missing label as ""). */
function matchesEmpty(matcher: Matcher): boolean {
  if (matcher.op === "=") return matcher.value === "";
  if (matcher.op === "!=") return matcher.value !== "";
  const matches = new RegExp(`^(?:${matcher.value})$`).test("");
  return matcher.op === "=~" ? matches : !matches;
}

/** The selector as a filter on metric_series (`labels` and `name` columns); regexes run in Postgres, anchored. */
export function selectorFilter(selector: Selector, columns: { name: SQL; labels: SQL }): SQL {
  const filters: SQL[] = [];
  if (selector.name) filters.push(sql`${columns.name} = ${selector.name}`);
  for (const matcher of selector.matchers) {
    const value = sql`coalesce(${columns.labels} ->> ${matcher.label}, '')`;
    if (matcher.op === "=") filters.push(sql`${value} = ${matcher.value}`);
    else if (matcher.op === "!=") filters.push(sql`${value} <> ${matcher.value}`);
    else {
      const pattern = `^(?:${matcher.value})$`;
      filters.push(matcher.op === "=~" ? sql`${value} ~ ${pattern}` : sql`${value} !~ ${pattern}`);
    }
  }
  return sql.join(filters, sql` AND `);
}
