// PGlite's wire-protocol server: many client connections onto PGlite's one session. It replaces
// @electric-sql/pglite-socket's server, whose queue takes turns per message and keeps a connection's turn
// only inside a transaction (electric-sql/pglite#1046): two connections' extended-protocol cycles
// (Parse, Bind, Execute, Sync) then interleave on the shared unnamed statement, and a client is answered
// with another's rows, or `unnamed prepared statement does not exist`. Here a connection keeps the session
// from its first message to the end of its cycle (the Sync or simple Query after which the session is out
// of any transaction), and a connection that leaves mid-cycle has its transaction rolled back.
import { createServer, type Server, type Socket } from "node:net";
import type { PGlite } from "@electric-sql/pglite";

const PROTOCOL_3 = 196608;
const SSL_REQUEST = 80877103;
const CANCEL_REQUEST = 80877102;
const TERMINATE = "X".charCodeAt(0);
// Frontend messages the backend answers with ReadyForQuery (Sync, Query): a cycle may end there.
const CYCLE_ENDS = new Set(["S", "Q"].map((letter) => letter.charCodeAt(0)));

/** An ErrorResponse, for a refusal the client's driver reports with its SQLSTATE. */
function errorResponse(code: string, message: string): Buffer {
  const fields = Buffer.from(`SFATAL\0VFATAL\0C${code}\0M${message}\0\0`);
  const head = Buffer.alloc(5);
  head.write("E");
  head.writeInt32BE(fields.length + 4, 1);
  return Buffer.concat([head, fields]);
}

/** The length of the first complete message in `buffer`, or 0 when it is not all there yet. */
function messageLength(buffer: Buffer, started: boolean): number {
  if (!started) {
    if (buffer.length < 4) return 0;
    const length = buffer.readInt32BE(0);
    return buffer.length >= length ? length : 0;
  }
  if (buffer.length < 5) return 0;
  const length = 1 + buffer.readInt32BE(1);
  return buffer.length >= length ? length : 0;
}

export type PGliteServer = { port: number; stop: () => Promise<void> };

export async function startPGliteServer(
  db: PGlite,
  options: { host: string; port: number; maxConnections: number },
): Promise<PGliteServer> {
  /** The connection whose cycle holds the session, and those waiting for it, in order. */
  let owner: Socket | null = null;
  const waiting: { socket: Socket; resume: () => void }[] = [];
  const sockets = new Set<Socket>();

  const acquire = (socket: Socket): Promise<void> => {
    if (owner !== null && owner !== socket) return new Promise((resume) => waiting.push({ socket, resume }));
    owner = socket;
    return Promise.resolve();
  };
  const release = () => {
    owner = null;
    const next = waiting.shift();
    if (next) {
      owner = next.socket;
      next.resume();
    }
  };
  /** A connection gone, once its last message is done: a cycle it held is ended and rolled back. */
  const leave = async (socket: Socket) => {
    sockets.delete(socket);
    if (owner !== socket) return;
    if (db.isInTransaction()) await db.exec("ROLLBACK").catch(() => undefined);
    release();
  };

  const serve = (socket: Socket) => {
    if (sockets.size >= options.maxConnections) {
      socket.end(errorResponse("53300", "sorry, too many clients already"));
      socket.on("error", () => undefined);
      socket.setTimeout(1000, () => socket.destroy());
      return;
    }
    sockets.add(socket);
    socket.setNoDelay(true);
    let buffered = Buffer.alloc(0);
    let started = false;
    let closed = false;
    // Messages are run one at a time per connection, in the order they came.
    let chain = Promise.resolve();

    const run = async (message: Buffer, startup: boolean) => {
      if (closed) return;
      await acquire(socket);
      if (closed) return; // gone while waiting; leave() hands on the session if it holds it
      try {
        await db.execProtocolRawStream(new Uint8Array(message), {
          onRawData: (data) => {
            if (!socket.destroyed) socket.write(data);
          },
        });
      } catch {
        socket.destroy();
        return;
      }
      if ((startup || CYCLE_ENDS.has(message[0] ?? 0)) && !db.isInTransaction()) release();
    };

    socket.on("data", (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (
        let length = messageLength(buffered, started);
        length > 0;
        length = messageLength(buffered, started)
      ) {
        const message = buffered.subarray(0, length);
        buffered = buffered.subarray(length);
        if (!started) {
          const code = message.length >= 8 ? message.readInt32BE(4) : 0;
          if (code === SSL_REQUEST) {
            socket.write("N"); // no TLS on loopback; the client goes on in the clear
            continue;
          }
          if (code === CANCEL_REQUEST) continue; // cancelling is not supported
          if (code !== PROTOCOL_3) {
            socket.end(errorResponse("08P01", "unsupported frontend protocol"));
            return;
          }
          started = true;
          chain = chain.then(() => run(message, true));
          continue;
        }
        if (message[0] === TERMINATE) {
          // PostgreSQL closes the connection on Terminate; "close" then ends what it held.
          socket.end();
          return;
        }
        chain = chain.then(() => run(message, false));
      }
    });
    socket.on("error", () => undefined); // "close" follows
    socket.on("close", () => {
      closed = true;
      // Waiting for the session: it gives up its place, and its pending messages are dropped.
      const index = waiting.findIndex((entry) => entry.socket === socket);
      if (index >= 0) waiting.splice(index, 1)[0]?.resume();
      void chain.then(() => leave(socket));
    });
  };

  const server: Server = createServer(serve);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, resolve);
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("PGlite server has no port");
  return {
    port: address.port,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
