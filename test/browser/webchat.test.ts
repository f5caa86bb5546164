// The widget in a real browser against `npm run dev`: headless Debian Chromium driven by playwright-core.
// Run with `npm run test:browser` (needs /usr/bin/chromium: `apt-get install -y chromium`).
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { type Browser, chromium } from "playwright-core";
import { FALLBACK_REPLY } from "../../workers/assistants/replies.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

async function sparePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address === "string") throw new Error("no port");
  return address.port;
}

async function waitForHealth(url: string, stack: ChildProcess, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (stack.exitCode !== null) throw new Error(`npm run dev exited with code ${stack.exitCode}`);
    try {
      if ((await fetch(`${url}/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`npm run dev did not answer ${url}/health in time`);
}

let stack: ChildProcess;
let browser: Browser;
let base: string;
const dataDir = mkdtempSync(join(tmpdir(), "borde-browser-"));

before(async () => {
  const port = await sparePort();
  base = `http://127.0.0.1:${port}`;
  const { OPENAI_API_KEY: _withoutKey, ...environment } = process.env;
  // Its own process group, so the whole stack (wrangler, workerd) stops with it.
  stack = spawn("npm", ["run", "dev"], {
    cwd: ROOT,
    detached: true,
    stdio: ["ignore", "ignore", "inherit"],
    env: {
      ...environment,
      PORT: String(port),
      BORDE_DATA_DIR: dataDir,
      BORDE_DB_PORT: "0",
      BORDE_DB_RELAY_PORT: "0",
    },
  });
  await waitForHealth(base, stack);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
});

after(async () => {
  await browser?.close();
  if (stack?.pid && stack.exitCode === null) {
    const exited = new Promise((resolve) => stack.once("exit", resolve));
    process.kill(-stack.pid, "SIGTERM");
    await exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
});

test("a visitor types, sees the (fallback) reply, reloads and sees the history", {
  timeout: 120_000,
}, async () => {
  const page = await browser.newPage();
  await page.goto(`${base}/widget/demo`);
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
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.routeWebSocket(/\/api\/v1\/webchat\/connect/, (socket) => socket.close());
  await page.goto(`${base}/widget/demo`);
  const chat = page.locator("borde-chat");
  await chat.locator(".status", { hasText: "without WebSocket" }).waitFor({ timeout: 30_000 });

  const text = `Polling hello ${Date.now()}`;
  await chat.locator("textarea").fill(text);
  await chat.locator("textarea").press("Enter");
  await chat.locator("li.visitor:not(.pending)", { hasText: text }).waitFor();
  await chat.locator("li.assistant", { hasText: FALLBACK_REPLY }).waitFor({ timeout: 30_000 });
  await context.close();
});
