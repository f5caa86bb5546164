import { createConnection } from "node:net";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PGliteServer, startPGliteServer } from "../../scripts/lib/pglite-server.ts";

let db: PGlite;
let server: PGliteServer;
const connect = async () => {
  const client = new pg.Client({
    host: "127.0.0.1",
    port: server.port,
    user: "postgres",
    database: "postgres",
  });
  client.on("error", () => undefined);
  await client.connect();
  return client;
};

beforeAll(async () => {
  db = await PGlite.create();
  server = await startPGliteServer(db, { host: "127.0.0.1", port: 0, maxConnections: 12 });
});
afterAll(async () => {
  await server.stop();
  await db.close();
});

describe("the embedded database's wire-protocol server", () => {
  it("answers each of several concurrent connections with its own rows", async () => {
    const clients = await Promise.all(Array.from({ length: 8 }, connect));
    const answers = await Promise.all(
      clients.map(async (client, index) => {
        const seen: number[] = [];
        for (let round = 0; round < 40; round++) {
          // Parameters make pg use the extended protocol: Parse, Bind, Execute, Sync on the unnamed statement.
          const { rows } = await client.query("select $1::int + $2::int as n", [index * 1000, round]);
          seen.push((rows[0] as { n: number }).n);
        }
        return seen;
      }),
    );
    answers.forEach((seen, index) => {
      expect(seen).toEqual(Array.from({ length: 40 }, (_, round) => index * 1000 + round));
    });
    await Promise.all(clients.map((client) => client.end()));
  });

  it("rolls back the transaction of a connection that leaves in the middle of it", async () => {
    const leaving = await connect();
    await leaving.query("create table if not exists left_behind (n int)");
    await leaving.query("begin");
    await leaving.query("insert into left_behind values ($1)", [1]);
    await leaving.query("select set_config('app.tenant_id', 'someone', true)");
    const socket = (leaving as unknown as { connection: { stream: { destroy: () => void } } }).connection
      .stream;
    socket.destroy();
    const next = await connect();
    const { rows } = await next.query(
      "select count(*)::int as n, current_setting('app.tenant_id', true) as tenant from left_behind",
    );
    expect(rows[0]).toEqual({ n: 0, tenant: "" });
    await next.end();
  });

  it("closes a connection on Terminate, as PostgreSQL does", async () => {
    const socket = createConnection({ host: "127.0.0.1", port: server.port });
    const params = Buffer.from("user\0postgres\0database\0postgres\0\0");
    const startup = Buffer.alloc(8);
    startup.writeInt32BE(8 + params.length, 0);
    startup.writeInt32BE(196608, 4);
    const ready = new Promise<void>((resolve) =>
      socket.on("data", (chunk: Buffer) => chunk.includes(Buffer.from([0x5a, 0, 0, 0, 5])) && resolve()),
    );
    socket.write(Buffer.concat([startup, params]));
    await ready;
    // The server's own FIN: the client only sent Terminate and keeps its side open.
    const ended = new Promise((resolve) => socket.once("end", () => resolve("ended by the server")));
    socket.write(Buffer.from([0x58, 0, 0, 0, 4]));
    await expect(ended).resolves.toBe("ended by the server");
    socket.destroy();
  });

  it("refuses connections beyond its limit with SQLSTATE 53300", async () => {
    const clients = await Promise.all(Array.from({ length: 12 }, connect));
    await expect(connect()).rejects.toMatchObject({ code: "53300" });
    await Promise.all(clients.map((client) => client.end()));
  });
});
