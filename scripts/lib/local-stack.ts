// The local stand-ins for what Borde uses in production: a Postgres (embedded PGlite unless DATABASE_URL
// names a server), the WebSocket relay and HTTP SQL endpoint in front of it (one port), migrations applied, and wrangler dev serving the Worker.
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { type EmbeddedPostgres, startEmbeddedPostgres } from "./embedded-postgres.ts";
import { migrateDatabase } from "./migrate.ts";
import { type Relay, startRelay } from "./ws-relay.ts";

export const ROOT = join(import.meta.dirname, "..", "..");
export const LOCAL_DATA_DIR = join(ROOT, ".borde");

export type LocalDatabase = {
  databaseUrl: string;
  relayAddress: string;
  relayCounters: Relay["counters"];
  /** The delay the relay and the HTTP SQL endpoint add to each round trip (BORDE_DB_RTT_MS). */
  rtt: Relay["rtt"];
  embedded: boolean;
  stop: () => Promise<void>;
};

export async function startLocalDatabase(options: {
  databaseUrl?: string | undefined;
  dataDir?: string | undefined;
  dbPort?: number;
  relayPort?: number;
  rttMs?: number;
}): Promise<LocalDatabase> {
  let embedded: EmbeddedPostgres | undefined;
  if (!options.databaseUrl) {
    embedded = await startEmbeddedPostgres({ dataDir: options.dataDir, port: options.dbPort ?? 0 });
  }
  const databaseUrl = options.databaseUrl ?? (embedded as EmbeddedPostgres).url;
  await migrateDatabase(databaseUrl);
  const relay = await startRelay(options.relayPort ?? 0, "127.0.0.1", { rttMs: options.rttMs });
  return {
    databaseUrl,
    relayAddress: relay.address,
    relayCounters: relay.counters,
    rtt: relay.rtt,
    embedded: embedded !== undefined,
    stop: async () => {
      await relay.close();
      await embedded?.stop();
    },
  };
}

export type WranglerDev = { url: string; child: ChildProcess; stop: () => Promise<void> };

/** Starts `wrangler dev` on loopback with the given vars and resolves once /health answers. */
export async function startWranglerDev(options: {
  port: number;
  vars: Record<string, string>;
  quiet?: boolean;
  persistTo?: string;
}): Promise<WranglerDev> {
  // Another server on the port (a dev server left running) would answer the health check for this one.
  const taken = await fetch(`http://127.0.0.1:${options.port}/health`).then(
    () => true,
    () => false,
  );
  if (taken) throw new Error(`port ${options.port} is already serving; stop what runs there first`);
  const args = ["dev", "--ip", "127.0.0.1", "--port", String(options.port), "--test-scheduled"];
  args.push("--show-interactive-dev-session=false");
  if (options.persistTo) args.push("--persist-to", options.persistTo);
  for (const [name, value] of Object.entries(options.vars)) args.push("--var", `${name}:${value}`);
  const child = spawn(join(ROOT, "node_modules", ".bin", "wrangler"), args, {
    cwd: ROOT,
    stdio: options.quiet ? ["ignore", "ignore", "inherit"] : "inherit",
    env: {
      ...process.env,
      WRANGLER_SEND_METRICS: "false",
      // Request.cf is fetched from Cloudflare at start; offline that only prints a stack trace.
      CLOUDFLARE_CF_FETCH_ENABLED: "false",
      WRANGLER_LOG: process.env.WRANGLER_LOG ?? "info",
    },
  });
  const url = `http://127.0.0.1:${options.port}`;
  const exited = new Promise<never>((_, reject) =>
    child.once("exit", (code) => reject(new Error(`wrangler dev exited with code ${code}`))),
  );
  await Promise.race([waitForHealth(url), exited]);
  return {
    url,
    child,
    stop: async () => {
      if (child.exitCode !== null) return;
      const gone = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await gone;
    },
  };
}

async function waitForHealth(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${url}/health`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`wrangler dev did not answer ${url}/health within ${timeoutMs / 1000} s`);
}
