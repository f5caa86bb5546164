import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { DEMO_WIDGET_KEY } from "../../../workers/webchat/demo.ts";
import { BASE } from "../support/identity.ts";

describe("the widget", () => {
  it("serves widget.js, the <borde-chat> web component", async () => {
    const response = await SELF.fetch(`${BASE}/widget.js`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("javascript");
    expect(await response.text()).toContain('customElements.define("borde-chat"');
  });

  it("serves a demo page that embeds the widget for the seeded demo key, under a strict policy", async () => {
    const response = await SELF.fetch(`${BASE}/widget/demo`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-security-policy")).toContain("script-src 'self'");
    const page = await response.text();
    expect(page).toContain('<script src="/widget.js" defer></script>');
    expect(page).toContain(`<borde-chat key="${DEMO_WIDGET_KEY}"`);
  });
});
