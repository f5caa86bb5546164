// `npm run dev` on a spare port (test/support/dev-server.ts) and headless Debian Chromium driven by
// playwright-core, for the browser tests (`npm run test:browser`; needs /usr/bin/chromium).
import { type Browser, chromium } from "playwright-core";
import { startDevServer } from "../../support/dev-server.ts";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export type BrowserStack = { base: string; browser: Browser; stop: () => Promise<void> };

/** Starts the dev stack without an OpenAI key (so replies are the labelled fallback) and a browser. */
export async function startBrowserStack(): Promise<BrowserStack> {
  const server = await startDevServer();
  const browser = await chromium.launch({
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
  const stop = async () => {
    await browser.close();
    await server.stop();
  };
  return { base: server.base, browser, stop };
}
