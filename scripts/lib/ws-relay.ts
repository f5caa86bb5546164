// The local stand-in for Neon's proxy, on one port: a WebSocket-to-TCP relay (the Neon driver's Pool speaks
// Postgres over WebSocket, a local server speaks TCP) and Neon's HTTP SQL endpoint (./http-sql.ts, for
// `neon()` and drizzle-orm/neon-http). Only loopback targets are served, so neither can be used to reach
// anything beyond this machine. `rtt.ms` delays every round trip, to feel a database that far away.

import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { connect } from "node:net";
import { WebSocketServer } from "ws";
import { sqlEndpoint } from "./http-sql.ts";

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

/**
 * What went through: WebSocket connections opened, frames sent by their clients (each a round trip's start)
 * and HTTP SQL requests (each one round trip).
 */
export type RelayCounters = { connections: number; clientFrames: number; sqlRequests: number };

export type Relay = {
  address: string;
  counters: RelayCounters;
  /** The delay added to every round trip, in milliseconds; may be changed while the relay runs. */
  rtt: { ms: number };
  close: () => Promise<void>;
};

export function parseTarget(requestUrl: string | undefined): { host: string; port: number } | null {
  const address = new URL(requestUrl ?? "/", "http://relay.local").searchParams.get("address") ?? "";
  const match = /^(.+):(\d{1,5})$/.exec(address);
  if (!match?.[1] || !match[2] || !LOOPBACK.has(match[1])) return null;
  return { host: match[1].replace(/^\[|\]$/g, ""), port: Number(match[2]) };
}

/** The round-trip delay asked for with BORDE_DB_RTT_MS (none when unset). */
export function rttFromEnvironment(): number {
  const rttMs = Number(process.env.BORDE_DB_RTT_MS ?? 0);
  if (!Number.isFinite(rttMs) || rttMs < 0)
    throw new Error("BORDE_DB_RTT_MS must be a number of milliseconds");
  return rttMs;
}

export async function startRelay(
  port = 0,
  host = "127.0.0.1",
  options: { rttMs?: number } = {},
): Promise<Relay> {
  const rtt = { ms: options.rttMs ?? 0 };
  const endpoint = sqlEndpoint({ rtt });
  const http = createServer(endpoint.handle);
  const server = new WebSocketServer({
    server: http,
    perMessageDeflate: false,
    // The handshake is a round trip to the proxy beside the database.
    verifyClient: (_info, accept) => (rtt.ms ? setTimeout(() => accept(true), rtt.ms) : accept(true)),
  });
  const counters: RelayCounters = {
    connections: 0,
    clientFrames: 0,
    get sqlRequests() {
      return endpoint.counters.requests;
    },
  };
  // Equal delays keep frames in order: Node runs timers of the same duration in the order they were set.
  const afterRtt = (send: () => void) => (rtt.ms ? setTimeout(send, rtt.ms) : send());
  server.on("connection", (socket, request) => {
    const target = parseTarget(request.url);
    if (!target) {
      socket.close(1008, "relay targets must be host:port on loopback");
      return;
    }
    counters.connections++;
    const tcp = connect({ host: target.host, port: target.port });
    tcp.setNoDelay(true);
    tcp.on("data", (chunk) => socket.send(chunk));
    tcp.on("error", (error) => socket.close(1011, error.message.slice(0, 120)));
    tcp.on("close", () => socket.close());
    socket.on("message", (data: Buffer) => {
      counters.clientFrames++;
      afterRtt(() => tcp.write(data));
    });
    socket.on("close", () => tcp.destroy());
    socket.on("error", () => tcp.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    http.once("listening", resolve);
    http.once("error", reject);
    http.listen(port, host);
  });
  const bound = http.address() as AddressInfo;
  return {
    address: `${host}:${bound.port}`,
    counters,
    rtt,
    close: async () => {
      for (const client of server.clients) client.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await endpoint.close();
    },
  };
}
