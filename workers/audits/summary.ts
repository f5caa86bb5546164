import { z } from "zod";
import { openAIClient } from "../ai/openai-client.ts";
import { strictResponseFormat } from "../ai/structured-output.ts";
import type { Config } from "../config/config.ts";
import { errorFields, type Logger } from "../lib/log.ts";
import type { Check, Suggestion } from "./result.ts";
import { SEVERITY_WEIGHT } from "./scoring.ts";

const SummarySchema = z.object({
  summary: z.string().min(1).max(4000).describe("Three to five sentences for a site owner."),
  suggestions: z
    .array(
      z.object({
        priority: z.number().int().min(1).max(5).describe("1 is most urgent."),
        title: z.string().min(1).max(200),
        detail: z.string().min(1).max(2000),
        check_ids: z.array(z.string()).max(30),
      }),
    )
    .max(10),
});

export type AuditSummary = {
  summary: string;
  suggestions: Suggestion[];
  summary_source: "openai" | "fallback";
};

type SummaryInput = { projectName: string; siteUrl: string; score: number; checks: Check[] };

const problems = (checks: Check[]) =>
  checks
    .filter((check) => check.status !== "pass")
    .sort(
      (a, b) => SEVERITY_WEIGHT[b.severity] - SEVERITY_WEIGHT[a.severity] || (a.status === "fail" ? -1 : 1),
    );

/** The summary without a model: the score and the worst problems, in a fixed order. */
export function fallbackSummary(input: SummaryInput): AuditSummary {
  const open = problems(input.checks);
  const failing = open.filter((check) => check.status === "fail").length;
  const summary =
    open.length === 0
      ? `${input.siteUrl} scored ${input.score}/100 and passed every check.`
      : `${input.siteUrl} scored ${input.score}/100: ${failing} check(s) failed and ${open.length - failing} gave warnings. ` +
        `The most important to fix: ${open
          .slice(0, 3)
          .map((check) => check.title.toLowerCase())
          .join("; ")}.`;
  const priority: Record<Check["severity"], number> = { critical: 1, high: 2, medium: 3, low: 4 };
  const suggestions = open.slice(0, 10).map((check) => ({
    priority: priority[check.severity] + (check.status === "warn" ? 1 : 0),
    title: `Fix: ${check.title}`,
    detail: check.evidence.slice(0, 5).join("\n") || check.title,
    check_ids: [check.id],
  }));
  return { summary, suggestions, summary_source: "fallback" };
}

function prompt(input: SummaryInput): string {
  const findings = problems(input.checks)
    .slice(0, 25)
    .map(
      (check) =>
        `- [${check.status}/${check.severity}] ${check.id}: ${check.title}. ${check.evidence.slice(0, 3).join("; ")}`,
    )
    .join("\n");
  return `Project "${input.projectName}" (${input.siteUrl}) scored ${input.score}/100 in an SEO audit.\nFindings:\n${findings || "- none"}`;
}

/** The executive summary and suggestions from OpenAI, or the fallback when there is no key or the call fails. */
export async function summariseAudit(
  config: Config,
  input: SummaryInput,
  log: Logger,
): Promise<AuditSummary> {
  const client = openAIClient(config);
  if (!client) return fallbackSummary(input);
  try {
    const completion = await client.chat.completions.create({
      model: config.openai.model,
      messages: [
        {
          role: "system",
          content:
            "You are an SEO auditor. Write an executive summary for the site owner and up to 10 prioritized, concrete suggestions, citing the check ids they fix. Use only the findings given.",
        },
        { role: "user", content: prompt(input) },
      ],
      response_format: strictResponseFormat("audit_summary", SummarySchema),
    });
    const content = completion.choices[0]?.message.content ?? "";
    const parsed = SummarySchema.safeParse(JSON.parse(content));
    if (!parsed.success) throw new Error(`summary does not match the schema: ${parsed.error.message}`);
    return { ...parsed.data, summary_source: "openai" };
  } catch (error) {
    log.warn("audit summary fell back", errorFields(error));
    return fallbackSummary(input);
  }
}
