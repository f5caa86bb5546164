// `npm run dev` on a spare port with its own data folder, for the tests that need the whole local stack
// (browser tests, the Prometheus and OpenTelemetry tests).
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(import.meta.dirname, "..", "..");

export async function sparePort(): Promise<number> {
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

export type DevServer = { base: string; port: number; stop: () => Promise<void> };

/**
 * Starts `npm run dev` with `environment` (the test's own, OPENAI_API_KEY left out so replies are the
 * labelled fallback, plus `extra`) and resolves once /health answers.
 */
export async function startDevServer(
  extra: Record<string, string> = {},
  output: "ignore" | "inherit" = "ignore",
): Promise<DevServer> {
  const dataDir = mkdtempSync(join(tmpdir(), "borde-dev-"));
  const port = await sparePort();
  const base = `http://127.0.0.1:${port}`;
  const { OPENAI_API_KEY: _withoutKey, ...environment } = process.env;
  // Its own process group, so the whole stack (wrangler, workerd) stops with it.
  const stack: ChildProcess = spawn("npm", ["run", "dev"], {
    cwd: ROOT,
    detached: true,
    stdio: ["ignore", output, "inherit"],
    env: {
      ...environment,
      PORT: String(port),
      BORDE_DATA_DIR: dataDir,
      BORDE_DB_PORT: "0",
      BORDE_DB_RELAY_PORT: "0",
      ...extra,
    },
  });
  await waitForHealth(base, stack);
  const stop = async () => {
    if (stack.pid && stack.exitCode === null) {
      const exited = new Promise((resolve) => stack.once("exit", resolve));
      process.kill(-stack.pid, "SIGTERM");
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  return { base, port, stop };
}
