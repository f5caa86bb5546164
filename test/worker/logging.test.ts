import { DrizzleQueryError } from "drizzle-orm/errors";
import { describe, expect, it } from "vitest";
import { errorFields } from "../../workers/lib/log.ts";

describe("error fields", () => {
  it("keep the cause chain's codes and constraint but not a failed query's parameters", () => {
    const pgError = Object.assign(new Error('duplicate key value violates unique constraint "x_key"'), {
      code: "23505",
      constraint: "x_key",
      detail: "Key (token_hash)=(secret-hash) already exists.",
    });
    const failed = new DrizzleQueryError("insert into x (token_hash) values ($1)", ["secret-hash"], pgError);
    const fields = errorFields(new Error("could not store the token", { cause: failed }));
    expect(fields).toMatchObject({
      error: "could not store the token",
      error_name: "Error",
      causes: [
        { message: "Failed query: insert into x (token_hash) values ($1)" },
        {
          message: 'duplicate key value violates unique constraint "x_key"',
          code: "23505",
          constraint: "x_key",
        },
      ],
    });
    expect(JSON.stringify(fields)).not.toContain("secret-hash");
  });

  it("describe what is thrown that is not an Error", () => {
    expect(errorFields("plain")).toEqual({ error: "plain" });
  });
});
