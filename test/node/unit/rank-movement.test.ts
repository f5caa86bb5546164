import { describe, expect, it } from "vitest";
import { movementOf, type Observation } from "../../../workers/reputation/rank-history.ts";

const at = (position: number | null): Observation => ({
  status: position === null ? "not_found" : "ranked",
  position,
  url: position === null ? null : "https://example.com/",
  fetchedAt: new Date(0),
});

describe("a keyword's move between its two latest lookups", () => {
  it("counts positions gained", () => {
    expect(movementOf(at(3), at(8))).toEqual({ change: 5, movement: "up" });
    expect(movementOf(at(8), at(3))).toEqual({ change: -5, movement: "down" });
    expect(movementOf(at(3), at(3))).toEqual({ change: 0, movement: "same" });
  });

  it("has no number for entering or dropping out of the first 100", () => {
    expect(movementOf(at(40), at(null))).toEqual({ change: null, movement: "entered" });
    expect(movementOf(at(null), at(40))).toEqual({ change: null, movement: "dropped" });
    expect(movementOf(at(null), at(null))).toEqual({ change: null, movement: "same" });
  });

  it("is unknown before the second lookup", () => {
    expect(movementOf(at(3), undefined)).toEqual({ change: null, movement: null });
    expect(movementOf(undefined, undefined)).toEqual({ change: null, movement: null });
  });
});
