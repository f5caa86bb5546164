import { describe, expect, it } from "vitest";
import { fieldsOf } from "../../../workers/http/api-schemas.ts";

describe("fieldsOf", () => {
  const row = {
    id: "0193b6c6-8f4e-7c1a-9f1e-5b3f7c2d1a00",
    tenantId: "0193b6c6-8f4e-7c1a-9f1e-5b3f7c2d1a01",
    siteUrl: "https://www.example.com/",
    maxPages: 10,
    lastAuditAt: null,
    createdAt: new Date("2026-11-22T12:00:00.000Z"),
  };

  it("writes the named columns under their snake_case names, dates as RFC 3339 and nulls kept", () => {
    expect(fieldsOf(row, "id", "siteUrl", "maxPages", "lastAuditAt", "createdAt")).toEqual({
      id: "0193b6c6-8f4e-7c1a-9f1e-5b3f7c2d1a00",
      site_url: "https://www.example.com/",
      max_pages: 10,
      last_audit_at: null,
      created_at: "2026-11-22T12:00:00.000Z",
    });
  });

  it("leaves out every column it is not given, in the order it is given them", () => {
    expect(Object.keys(fieldsOf(row, "maxPages", "id"))).toEqual(["max_pages", "id"]);
  });
});
