import { describe, expect, it } from "vitest";
import { columnsOf } from "../../../workers/http/api-schemas.ts";

describe("columnsOf", () => {
  it("renames each sent field to its camelCase column and leaves out the absent ones", () => {
    expect(
      columnsOf({
        name: "n",
        window_seconds: 60,
        keep_firing_for_seconds: 0,
        group_by: undefined,
        enabled: false,
      }),
    ).toEqual({ name: "n", windowSeconds: 60, keepFiringForSeconds: 0, enabled: false });
  });
});
