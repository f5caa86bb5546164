// A WebSocket-to-TCP relay: the Neon driver speaks Postgres over WebSocket, a local server speaks TCP.
// Only loopback targets are relayed, so the relay cannot be used to reach anything beyond this machine.

import type { AddressInfo } from "node:net";
import { connect } from "node:net";
import { WebSocketServer } from "ws";

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

const TERMINATE = Buffer.from([0x58, 0, 0, 0, 4]); // 'X', length 4

export function endsWithTerminate(data: Buffer): boolean {
  return data.length >= TERMINATE.length && data.subarray(data.length - TERMINATE.length).equals(TERMINATE);
}

/** What went through the relay: connections opened and frames sent by clients (each a round trip's start). */
export type RelayCounters = { connections: number; clientFrames: number };

export type Relay = { address: string; counters: RelayCounters; close: () => Promise<void> };

export function parseTarget(requestUrl: string | undefined): { host: string; port: number } | null {
  const address = new URL(requestUrl ?? "/", "http://relay.local").searchParams.get("address") ?? "";
  const match = /^(.+):(\d{1,5})$/.exec(address);
  if (!match?.[1] || !match[2] || !LOOPBACK.has(match[1])) return null;
  return { host: match[1].replace(/^\[|\]$/g, ""), port: Number(match[2]) };
}

export async function startRelay(port = 0, host = "127.0.0.1"): Promise<Relay> {
  const server = new WebSocketServer({ host, port, perMessageDeflate: false });
  const counters: RelayCounters = { connections: 0, clientFrames: 0 };
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
      tcp.write(data);
      // PostgreSQL closes the connection on a Terminate message; PGlite's server does not, so the relay does.
      if (endsWithTerminate(data)) {
        tcp.end();
        socket.close();
      }
    });
    socket.on("close", () => tcp.destroy());
    socket.on("error", () => tcp.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", reject);
  });
  const bound = server.address() as AddressInfo;
  return {
    address: `${host}:${bound.port}`,
    counters,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  };
}
