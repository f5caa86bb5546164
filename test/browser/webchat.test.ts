// The widget in a real browser against `npm run dev`: headless Debian Chromium driven by playwright-core.
// Run with `npm run test:browser` (needs /usr/bin/chromium: `apt-get install -y chromium`).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { FALLBACK_REPLY } from "../../workers/assistants/replies.ts";
import { type BrowserStack, startBrowserStack } from "./support/dev-stack.ts";

let stack: BrowserStack;
before(async () => {
  stack = await startBrowserStack();
});
after(() => stack?.stop());

test("a visitor types, sees the (fallback) reply, reloads and sees the history", {
  timeout: 120_000,
}, async () => {
  const page = await stack.browser.newPage();
  await page.goto(`${stack.base}/widget/demo`);
  const chat = page.locator("borde-chat");
  await chat.locator(".status", { hasText: "Online" }).waitFor();

  const text = `Hello from the browser ${Date.now()}`;
  await chat.locator("textarea").fill(text);
  await chat.locator("textarea").press("Enter");
  await chat.locator("li.visitor:not(.pending)", { hasText: text }).waitFor();
  const reply = chat.locator("li.assistant", { hasText: FALLBACK_REPLY });
  await reply.waitFor();
  assert.match((await reply.locator(".who").textContent()) ?? "", /automatic reply/);

  await page.reload();
  await chat.locator(".status", { hasText: "Online" }).waitFor();
  await chat.locator("li.visitor", { hasText: text }).waitFor();
  await chat.locator("li.assistant", { hasText: FALLBACK_REPLY }).waitFor();
  const texts = await chat.locator("li .text").allTextContents();
  assert.deepEqual(texts.slice(-2), [text, FALLBACK_REPLY]);
});

test("a visitor whose network blocks WebSockets chats over HTTP polling", { timeout: 120_000 }, async () => {
  const context = await stack.browser.newContext();
  const page = await context.newPage();
  await page.routeWebSocket(/\/api\/v1\/webchat\/connect/, (socket) => socket.close());
  await page.goto(`${stack.base}/widget/demo`);
  const chat = page.locator("borde-chat");
  await chat.locator(".status", { hasText: "without WebSocket" }).waitFor({ timeout: 30_000 });

  const text = `Polling hello ${Date.now()}`;
  await chat.locator("textarea").fill(text);
  await chat.locator("textarea").press("Enter");
  await chat.locator("li.visitor:not(.pending)", { hasText: text }).waitFor();
  await chat.locator("li.assistant", { hasText: FALLBACK_REPLY }).waitFor({ timeout: 30_000 });
  await context.close();
});
