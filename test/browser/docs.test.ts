// A person signs in from the interactive docs and calls /auth/me there: the session cookie set by the
// login response carries the next call, and the CSRF check lets the docs page's own origin through.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { DEMO } from "../../scripts/lib/seed.ts";
import { type BrowserStack, startBrowserStack } from "./support/dev-stack.ts";

let stack: BrowserStack;
before(async () => {
  stack = await startBrowserStack();
});
after(() => stack?.stop());

test("a person signs in from /docs with the demo login and calls /auth/me", {
  timeout: 120_000,
}, async () => {
  const page = await stack.browser.newPage();
  await page.goto(`${stack.base}/docs`);
  // The tags start folded (public/docs/init.js): open Auth, as a person would.
  await page.locator("#operations-tag-Auth").click();

  const login = page.locator("#operations-Auth-login");
  await login.locator(".opblock-summary").click();
  await login.locator(".try-out__btn").click();
  await login
    .locator("textarea.body-param__text")
    .fill(JSON.stringify({ email: DEMO.email, password: DEMO.password }));
  await login.locator(".execute").click();
  const loginStatus = login.locator(".live-responses-table .response .response-col_status");
  await loginStatus.waitFor();
  assert.equal((await loginStatus.textContent())?.trim(), "200");

  const me = page.locator("#operations-Auth-getMe");
  await me.locator(".opblock-summary").click();
  await me.locator(".try-out__btn").click();
  await me.locator(".execute").click();
  const meStatus = me.locator(".live-responses-table .response .response-col_status");
  await meStatus.waitFor();
  assert.equal((await meStatus.textContent())?.trim(), "200");
  const body = await me.locator(".live-responses-table .response .microlight").first().textContent();
  assert.match(body ?? "", new RegExp(DEMO.email));
});
