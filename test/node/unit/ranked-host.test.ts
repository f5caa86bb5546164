import { describe, expect, it } from "vitest";
import {
  linkIsOnDomain,
  normaliseDomain,
  normaliseKeyword,
} from "../../../workers/reputation/ranked-host.ts";
import { parseSerpPage, retryAfterMs } from "../../../workers/reputation/serpapi-client.ts";

describe("the domain a rank is matched on", () => {
  it("is the host named, lower-case, without www. or a trailing dot, from a name or a URL", () => {
    expect(normaliseDomain("Example.COM")).toBe("example.com");
    expect(normaliseDomain("www.example.com.")).toBe("example.com");
    expect(normaliseDomain("https://www.example.com/shoes?x=1")).toBe("example.com");
    expect(normaliseDomain("shop.example.co.uk")).toBe("shop.example.co.uk");
    expect(normaliseDomain("bücher.de")).toBe("xn--bcher-kva.de");
  });

  it("refuses what is not a site's host name", () => {
    for (const input of [
      "",
      "localhost",
      "127.0.0.1",
      "exa mple.com",
      "user@example.com",
      "example.com:8080",
      "ftp://example.com",
    ]) {
      expect(normaliseDomain(input), input).toBeNull();
    }
  });

  it("matches the domain and its subdomains on a label boundary", () => {
    expect(linkIsOnDomain("https://example.com/", "example.com")).toBe(true);
    expect(linkIsOnDomain("https://www.example.com/a", "example.com")).toBe(true);
    expect(linkIsOnDomain("https://shop.EXAMPLE.com/a", "example.com")).toBe(true);
    expect(linkIsOnDomain("https://notexample.com/", "example.com")).toBe(false);
    expect(linkIsOnDomain("https://example.com.evil.org/", "example.com")).toBe(false);
    expect(linkIsOnDomain("https://example.com/", "shop.example.com")).toBe(false);
    expect(linkIsOnDomain("not a url", "example.com")).toBe(false);
  });

  it("normalises keywords to the query that is searched and cached", () => {
    expect(normaliseKeyword("  Running   SHOES ")).toBe("running shoes");
    expect(normaliseKeyword("ｆｕｌｌ width")).toBe("full width");
  });
});

describe("SerpApi's answers", () => {
  it("reads Retry-After as seconds or a date", () => {
    expect(retryAfterMs("2", 0)).toBe(2000);
    expect(retryAfterMs(new Date(5000).toUTCString(), 1000)).toBe(4000);
    expect(retryAfterMs(null, 0)).toBeNull();
    expect(retryAfterMs("soon", 0)).toBeNull();
  });

  it("places a result without a position by its order, skips unusable links, and ends at a short page", () => {
    const outcome = parseSerpPage(
      {
        organic_results: [
          { link: "https://a.example/", title: "A" },
          { link: "nope" },
          { position: 23, link: "https://b.example/" },
        ],
      },
      2,
    );
    expect(outcome).toEqual({
      ok: true,
      page: {
        results: [
          { position: 21, link: "https://a.example/", title: "A" },
          { position: 23, link: "https://b.example/", title: "" },
        ],
        last: true,
      },
    });
  });

  it("takes Google's no-results error as the end and any other error as a failure", () => {
    expect(parseSerpPage({ error: "Google hasn't returned any results for this query." }, 3)).toEqual({
      ok: true,
      page: { results: [], last: true },
    });
    expect(parseSerpPage({ error: "Your account has run out of searches." }, 0)).toEqual({
      ok: false,
      reason: "SerpApi refused the search: Your account has run out of searches.",
    });
    expect(parseSerpPage([1, 2], 0)).toMatchObject({ ok: false });
  });
});
