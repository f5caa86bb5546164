import { describe, expect, it } from "vitest";
import { fetchSerpPage, type SerpQuery } from "../../../workers/reputation/serpapi-client.ts";
import { scriptSerp, serpCalls, testConfig, uniqueKeyword } from "./support.ts";

const query = (text: string): SerpQuery => ({ query: text, gl: "us", hl: "en", device: "desktop" });
const KEY = "serpapi-test-key";

describe("SerpApi client", () => {
  it("reads a page's organic results with their absolute positions", async () => {
    const q = uniqueKeyword("page two");
    await scriptSerp(q, { ranked: { position: 14, link: "https://www.example.com/shoes", title: "Shoes" } });
    const outcome = await fetchSerpPage(testConfig(), KEY, query(q), 1);
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.page.results.map((result) => result.position)).toEqual([
      11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
    ]);
    expect(outcome.page.results[3]).toEqual({
      position: 14,
      link: "https://www.example.com/shoes",
      title: "Shoes",
    });
    expect(outcome.page.last).toBe(false);
    expect((await serpCalls(q)).starts).toEqual([10]);
  });

  it("marks the last page, and a page past the end is an empty last page", async () => {
    const q = uniqueKeyword("short");
    await scriptSerp(q, { total: 14 });
    const second = await fetchSerpPage(testConfig(), KEY, query(q), 1);
    expect(second).toMatchObject({ ok: true, page: { last: true } });
    if (second.ok) expect(second.page.results).toHaveLength(4);
    expect(await fetchSerpPage(testConfig(), KEY, query(q), 2)).toEqual({
      ok: true,
      page: { results: [], last: true },
    });
  });

  it("waits for Retry-After after a 429 and then succeeds", async () => {
    const q = uniqueKeyword("busy");
    await scriptSerp(q, { responses: ["429"], retry_after: 1 });
    const started = Date.now();
    const outcome = await fetchSerpPage(testConfig(), KEY, query(q), 0);
    expect(outcome.ok).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect((await serpCalls(q)).count).toBe(2);
  });

  it("fails at once on a Retry-After longer than it may wait", async () => {
    const q = uniqueKeyword("very busy");
    await scriptSerp(q, { responses: ["429"], retry_after: 3600 });
    const outcome = await fetchSerpPage(testConfig(), KEY, query(q), 0);
    expect(outcome).toEqual({
      ok: false,
      reason: "SerpApi is rate limiting this account (429), retry after 3600 s",
    });
    expect((await serpCalls(q)).count).toBe(1);
  });

  it("retries a 500, and gives up after three", async () => {
    const once = uniqueKeyword("flaky");
    await scriptSerp(once, { responses: ["500"] });
    expect((await fetchSerpPage(testConfig(), KEY, query(once), 0)).ok).toBe(true);
    expect((await serpCalls(once)).count).toBe(2);
    const always = uniqueKeyword("down");
    await scriptSerp(always, { responses: ["500", "500", "500", "500"] });
    expect(await fetchSerpPage(testConfig(), KEY, query(always), 0)).toEqual({
      ok: false,
      reason: "SerpApi failed with 500, after 3 attempts",
    });
    expect((await serpCalls(always)).count).toBe(3);
  });

  it("gives up at the deadline without retrying", async () => {
    const q = uniqueKeyword("hung");
    await scriptSerp(q, { responses: ["timeout", "timeout"] });
    const started = Date.now();
    expect(await fetchSerpPage(testConfig(), KEY, query(q), 0)).toEqual({
      ok: false,
      reason: "SerpApi did not answer within 1000 ms",
    });
    expect(Date.now() - started).toBeLessThan(2500);
    expect((await serpCalls(q)).count).toBe(1);
  });

  it("reports malformed JSON as a failure", async () => {
    const q = uniqueKeyword("garbled");
    await scriptSerp(q, { responses: ["malformed"] });
    expect(await fetchSerpPage(testConfig(), KEY, query(q), 0)).toEqual({
      ok: false,
      reason: "SerpApi answered 200 with malformed JSON",
    });
  });

  it("reports SerpApi's refusal of a wrong key", async () => {
    const outcome = await fetchSerpPage(testConfig(), "", query(uniqueKeyword("no key")), 0);
    expect(outcome).toEqual({
      ok: false,
      reason:
        "SerpApi refused the search (401): Invalid API key. Your API key should be here: https://serpapi.com/manage-api-key",
    });
  });
});
