import { describe, expect, it } from "vitest";
import { DatabaseUnavailable, isDatabaseUnavailable } from "../../../workers/db/failures.ts";

const withCode = (code: string, message = "database said no") => Object.assign(new Error(message), { code });

describe("isDatabaseUnavailable", () => {
  it("counts a lost connection, a full server, a cancelled statement and a lost session as unavailable", () => {
    for (const code of ["08006", "53300", "57P01", "57014", "26000", "34000"])
      expect(isDatabaseUnavailable(withCode(code)), code).toBe(true);
  });

  it("counts what the database said about the statement itself as the statement's fault", () => {
    for (const code of ["23505", "22P02", "42P01", "23503"])
      expect(isDatabaseUnavailable(withCode(code, "connection terminated in the message")), code).toBe(false);
  });

  it("reads a driver's message when there is no SQLSTATE, and follows the cause chain", () => {
    expect(isDatabaseUnavailable(new Error("Connection terminated unexpectedly"))).toBe(true);
    const wrapped = new Error("Failed query: select 1", { cause: withCode("08001") });
    expect(isDatabaseUnavailable(wrapped)).toBe(true);
    expect(isDatabaseUnavailable(new Error("Failed query", { cause: new DatabaseUnavailable("x") }))).toBe(
      true,
    );
    expect(isDatabaseUnavailable(new Error("something else"))).toBe(false);
  });
});
