import { describe, expect, it } from "vitest";
import {
  addTallies,
  change,
  emptyTally,
  resolveWindow,
  sentimentFigures,
  shareOfVoice,
  type Tally,
} from "../../../workers/reputation/mention-figures.ts";

const tally = (fields: Partial<Tally>): Tally => ({ ...emptyTally(), ...fields });

describe("sentimentFigures", () => {
  it("figures shares, net sentiment, the reputation score and the health index from the counts", () => {
    const figures = sentimentFigures(
      tally({ mentions: 8, positive: 4, negative: 2, neutral: 2, scoreSum: 1.5, scored: 8 }),
    );
    expect(figures).toEqual({
      counts: { positive: 4, negative: 2, neutral: 2 },
      shares: { positive: 0.5, negative: 0.25, neutral: 0.25 },
      netSentiment: 0.25,
      reputationScore: 18.8,
      brandHealthIndex: 4 / 6,
    });
  });

  it("reaches −100 and 100 at the ends of the score", () => {
    expect(
      sentimentFigures(tally({ mentions: 2, negative: 2, scoreSum: -2, scored: 2 })).reputationScore,
    ).toBe(-100);
    expect(
      sentimentFigures(tally({ mentions: 1, positive: 1, scoreSum: 1, scored: 1 })).reputationScore,
    ).toBe(100);
  });

  it("gives zero shares and null score and index without mentions, and a null index with only neutral ones", () => {
    expect(sentimentFigures(emptyTally())).toMatchObject({
      shares: { positive: 0, negative: 0, neutral: 0 },
      netSentiment: 0,
      reputationScore: null,
      brandHealthIndex: null,
    });
    expect(sentimentFigures(tally({ mentions: 3, neutral: 3, scored: 3 }))).toMatchObject({
      reputationScore: 0,
      brandHealthIndex: null,
    });
  });
});

describe("shareOfVoice", () => {
  it("is the brand's part of its and its competitors' totals", () => {
    const brand = tally({ mentions: 1, reach: 300, engagement: 0 });
    const rivals = [tally({ mentions: 3, reach: 100, engagement: 0 }), tally({ mentions: 0, reach: 600 })];
    expect(shareOfVoice(brand, rivals)).toEqual({ mentions: 0.25, reach: 0.3, engagement: null });
  });

  it("is the whole without competitors, and null when nobody is mentioned", () => {
    expect(shareOfVoice(tally({ mentions: 2, reach: 5, engagement: 1 }), [])).toEqual({
      mentions: 1,
      reach: 1,
      engagement: 1,
    });
    expect(shareOfVoice(emptyTally(), [emptyTally()])).toEqual({
      mentions: null,
      reach: null,
      engagement: null,
    });
  });
});

describe("addTallies and change", () => {
  it("adds every sum", () => {
    expect(
      addTallies([tally({ mentions: 1, scoreSum: 0.5 }), tally({ mentions: 2, scoreSum: -0.25 })]),
    ).toEqual(tally({ mentions: 3, scoreSum: 0.25 }));
  });

  it("is null when either side is", () => {
    expect(change(5, 2)).toBe(3);
    expect(change(null, 2)).toBeNull();
    expect(change(0.5, null)).toBeNull();
  });
});

describe("resolveWindow", () => {
  const now = new Date("2026-12-01T12:00:00Z");

  it("is the last 30 days up to now by default, with the previous 30 days before it", () => {
    expect(resolveWindow(undefined, undefined, now)).toEqual({
      from: new Date("2026-11-01T12:00:00Z"),
      to: now,
      previousFrom: new Date("2026-10-02T12:00:00Z"),
    });
  });

  it("takes 30 days before a given end, and runs from a given start up to now", () => {
    expect(resolveWindow(undefined, "2026-03-31T00:00:00Z", now)?.from).toEqual(
      new Date("2026-03-01T00:00:00Z"),
    );
    expect(resolveWindow("2026-11-30T12:00:00Z", undefined, now)).toEqual({
      from: new Date("2026-11-30T12:00:00Z"),
      to: now,
      previousFrom: new Date("2026-11-29T12:00:00Z"),
    });
  });

  it("refuses an empty or reversed window and one over 731 days", () => {
    expect(resolveWindow("2026-01-02T00:00:00Z", "2026-01-02T00:00:00Z", now)).toBeNull();
    expect(resolveWindow("2026-01-03T00:00:00Z", "2026-01-02T00:00:00Z", now)).toBeNull();
    expect(resolveWindow("2024-01-01T00:00:00Z", "2026-01-02T00:00:00Z", now)).toBeNull();
    expect(resolveWindow("2024-01-02T00:00:00Z", "2026-01-02T00:00:00Z", now)).not.toBeNull();
  });
});
