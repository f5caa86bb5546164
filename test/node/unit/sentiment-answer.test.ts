import { describe, expect, it } from "vitest";
import { readSentimentAnswer, sentimentPrompt } from "../../../workers/insights/sentiment.ts";

describe("readSentimentAnswer", () => {
  it("keeps the labels of the refs asked about, the first of repeats, and drops the others", () => {
    const labels = readSentimentAnswer(
      JSON.stringify({
        labels: [
          { ref: "m2", label: "negative", score: -0.4 },
          { ref: "m2", label: "positive", score: 0.9 },
          { ref: "m9", label: "positive", score: 1 },
          { ref: "m1", label: "neutral", score: 0 },
        ],
      }),
      ["m1", "m2", "m3"],
    );
    expect([...labels]).toEqual([
      ["m2", { label: "negative", score: -0.4 }],
      ["m1", { label: "neutral", score: 0 }],
    ]);
  });

  it("refuses an answer outside the schema: an unknown label, a score past ±1, no JSON", () => {
    expect(() => readSentimentAnswer('{"labels":[{"ref":"m1","label":"angry","score":0}]}', ["m1"])).toThrow(
      /schema/,
    );
    expect(() =>
      readSentimentAnswer('{"labels":[{"ref":"m1","label":"positive","score":2}]}', ["m1"]),
    ).toThrow(/schema/);
    expect(() => readSentimentAnswer("not json", ["m1"])).toThrow();
  });
});

describe("sentimentPrompt", () => {
  it("gives each post its ref on one line, its whitespace folded", () => {
    expect(
      sentimentPrompt([
        { id: "a", text: "Great\nproduct", digest: "" },
        { id: "b", text: "  awful  ", digest: "" },
      ]),
    ).toBe("m1: Great product\nm2:  awful ");
  });
});
