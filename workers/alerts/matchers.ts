import { z } from "@hono/zod-openapi";
import type { LabelMatcher } from "./tables.ts";

const UNPORTABLE_REGEX = /\(\?<|\\[pPk]/;

export const LabelMatcherSchema = z
  .object({
    label: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "a label name: letters, digits and _"),
    op: z.enum(["=", "!=", "=~", "!~"]),
    value: z.string().max(1000),
  })
  .strict()
  .superRefine((matcher, ctx) => {
    if (matcher.op !== "=~" && matcher.op !== "!~") return;
    try {
      if (UNPORTABLE_REGEX.test(matcher.value)) throw new Error("unsupported");
      new RegExp(matcher.value);
    } catch {
      ctx.addIssue({ code: "custom", path: ["value"], message: "is not a supported regex" });
    }
  })
  .openapi("LabelMatcher", {
    description: "As Alertmanager's matchers: a missing label reads as empty; regexes match the whole value.",
  });

/** Whether one label's value satisfies a matcher. */
function matches(matcher: LabelMatcher, value: string): boolean {
  if (matcher.op === "=") return value === matcher.value;
  if (matcher.op === "!=") return value !== matcher.value;
  const found = new RegExp(`^(?:${matcher.value})$`).test(value);
  return matcher.op === "=~" ? found : !found;
}

/** Whether the labels satisfy every matcher (Alertmanager's reading: a missing label is ""). */
export const matchesAll = (matchers: LabelMatcher[], labels: Record<string, string>) =>
  matchers.every((matcher) => matches(matcher, labels[matcher.label] ?? ""));
