import { describe, expect, it } from "vitest";
import { z } from "zod";
import { strictJsonSchemaOf, strictResponseFormat } from "../../../workers/ai/structured-output.ts";

const Answer = z.object({
  labels: z.array(
    z.object({
      ref: z.string().describe("The post's ref."),
      label: z.enum(["positive", "negative"]),
      score: z.number().min(-1).max(1),
    }),
  ),
  note: z.string().nullable(),
});

describe("strictResponseFormat", () => {
  it("asks for the zod schema in OpenAI's strict form: every property required, no others, descriptions kept", () => {
    const format = strictResponseFormat("answer_v1", Answer);
    expect(format.type).toBe("json_schema");
    expect(format.json_schema.name).toBe("answer_v1");
    expect(format.json_schema.strict).toBe(true);
    const schema = format.json_schema.schema as {
      $schema?: string;
      additionalProperties: boolean;
      required: string[];
      properties: { labels: { items: Record<string, unknown> } };
    };
    expect(schema.$schema).toBeUndefined();
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(["labels", "note"]);
    expect(schema.properties.labels.items).toMatchObject({
      additionalProperties: false,
      required: ["ref", "label", "score"],
      properties: {
        ref: { type: "string", description: "The post's ref." },
        label: { enum: ["positive", "negative"] },
        score: { type: "number", minimum: -1, maximum: 1 },
      },
    });
  });

  it("converts a schema once", () => {
    expect(strictJsonSchemaOf(Answer)).toBe(strictJsonSchemaOf(Answer));
  });
});
