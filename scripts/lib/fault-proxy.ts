// A TCP proxy in front of the database that can fail on demand, for `npm run faults`: `freeze()` holds every
// byte both ways (a database that hangs: stopped, or behind a network dropping packets) and delivers it all
// on `thaw()`, as a stopped server would on resuming; `kill()` drops every connection and refuses new ones
// (a crashed server) until `revive()`.
import { connect, createServer, type Socket } from "node:net";

export type FaultProxy = {
  port: number;
  freeze: () => void;
  thaw: () => void;
  kill: () => void;
  revive: () => void;
  close: () => Promise<void>;
};

type Link = {
  client: Socket;
  server: Socket | null;
  /** The client left while frozen: what it sent is still delivered on thaw, then the link ends. */
  clientGone: boolean;
  held: { toServer: Buffer[]; toClient: Buffer[] };
};

export async function startFaultProxy(target: { host: string; port: number }): Promise<FaultProxy> {
  const links = new Set<Link>();
  let frozen = false;
  let dead = false;

  const open = (link: Link) => {
    const server = connect(target);
    link.server = server;
    server.setNoDelay(true);
    server.on("data", (chunk) => {
      if (frozen) link.held.toClient.push(chunk);
      else if (!link.clientGone) link.client.write(chunk);
    });
    server.on("error", () => link.client.destroy());
    server.on("close", () => link.client.destroy());
    flush(link);
  };

  const flush = (link: Link) => {
    for (const chunk of link.held.toServer.splice(0)) link.server?.write(chunk);
    if (link.clientGone) {
      link.server?.end();
      links.delete(link);
    } else for (const chunk of link.held.toClient.splice(0)) link.client.write(chunk);
  };

  const proxy = createServer((client) => {
    if (dead) {
      client.destroy();
      return;
    }
    client.setNoDelay(true);
    const link: Link = { client, server: null, clientGone: false, held: { toServer: [], toClient: [] } };
    links.add(link);
    client.on("data", (chunk) =>
      frozen || !link.server ? link.held.toServer.push(chunk) : link.server.write(chunk),
    );
    client.on("error", () => undefined); // "close" follows
    client.on("close", () => {
      link.clientGone = true;
      // A stopped server still reads what reached its socket before the client left, once it resumes.
      if (frozen) return;
      links.delete(link);
      link.server?.end();
    });
    if (!frozen) open(link);
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  const address = proxy.address();
  if (address === null || typeof address === "string") throw new Error("fault proxy has no port");

  return {
    port: address.port,
    freeze: () => {
      frozen = true;
    },
    thaw: () => {
      frozen = false;
      for (const link of links) {
        if (link.server) flush(link);
        else open(link);
      }
    },
    kill: () => {
      dead = true;
      for (const link of links) {
        link.client.destroy();
        link.server?.destroy();
      }
      links.clear();
    },
    revive: () => {
      dead = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const link of links) {
          link.client.destroy();
          link.server?.destroy();
        }
        proxy.close(() => resolve());
      }),
  };
}
