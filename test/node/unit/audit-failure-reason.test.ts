import { describe, expect, it } from "vitest";
import { failureReason } from "../../../workers/audits/failure-reason.ts";

describe("the reason a failed audit run shows its tenant", () => {
  it("never repeats a failed query or its parameters", () => {
    const failed = new Error('Failed query: update "audits" set "result" = $1 params: {"secret":"s3cr3t"}', {
      cause: Object.assign(new Error('duplicate key value violates unique constraint "x"'), {
        code: "23505",
      }),
    });
    const reason = failureReason(failed);
    expect(reason).not.toContain("s3cr3t");
    expect(reason).not.toContain("Failed query");
    expect(reason).toContain("retried");
  });

  it("says when the database was unavailable", () => {
    const lost = new Error("Connection terminated unexpectedly");
    expect(failureReason(lost)).toContain("database was unavailable");
  });
});
