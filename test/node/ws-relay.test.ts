import { neonConfig, Pool } from "@neondatabase/serverless";
import { describe, expect, it } from "vitest";
import WebSocket from "ws";
import { startEmbeddedPostgres } from "../../scripts/lib/embedded-postgres.ts";
import { parseTarget, startRelay } from "../../scripts/lib/ws-relay.ts";

describe("WebSocket-to-TCP relay", () => {
  it("accepts only loopback host:port targets", () => {
    expect(parseTarget("/v2?address=127.0.0.1:5432")).toEqual({ host: "127.0.0.1", port: 5432 });
    expect(parseTarget("/v2?address=localhost:6543")).toEqual({ host: "localhost", port: 6543 });
    expect(parseTarget("/v2?address=10.0.0.1:5432")).toBeNull();
    expect(parseTarget("/v2?address=example.com:5432")).toBeNull();
    expect(parseTarget("/v2")).toBeNull();
  });

  it("closes a connection that asks for a target beyond this machine", async () => {
    const relay = await startRelay();
    const socket = new WebSocket(`ws://${relay.address}/v2?address=192.0.2.1:5432`);
    const code = await new Promise<number>((resolve) =>
      socket.on("close", (closeCode) => resolve(closeCode)),
    );
    expect(code).toBe(1008);
    await relay.close();
  });
});

describe("relay in front of the embedded database", () => {
  // PGlite's server keeps at most 100 connections; if ending a pool left its connection open, the
  // 101st pool would be refused. This is what a pool per request does over a dev session.
  it("releases the server connection each time a pool ends", async () => {
    const database = await startEmbeddedPostgres();
    const relay = await startRelay();
    neonConfig.webSocketConstructor = WebSocket;
    neonConfig.wsProxy = (host, port) => `${relay.address}/v2?address=${host}:${port}`;
    neonConfig.useSecureWebSocket = false;
    neonConfig.pipelineTLS = false;
    neonConfig.pipelineConnect = false;
    try {
      for (let i = 0; i < 110; i++) {
        const pool = new Pool({ connectionString: database.url, max: 1 });
        const { rows } = await pool.query("select $1::int as n", [i]);
        expect(rows[0].n).toBe(i);
        await pool.end();
      }
    } finally {
      await relay.close();
      await database.stop();
    }
  }, 30_000);
});
