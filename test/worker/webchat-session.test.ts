import { env, evictDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";

async function connect(stub: DurableObjectStub) {
  const response = await stub.fetch("https://borde.test/connect", { headers: { Upgrade: "websocket" } });
  expect(response.status).toBe(101);
  const socket = response.webSocket;
  if (!socket) throw new Error("no socket in the upgrade response");
  socket.accept();
  const received: string[] = [];
  socket.addEventListener("message", (event) => {
    received.push(String(event.data));
  });
  return { socket, received };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

describe("WebchatSession Durable Object", () => {
  it("refuses a request that is not a WebSocket upgrade", async () => {
    const stub = env.WEBCHAT_SESSION.get(env.WEBCHAT_SESSION.newUniqueId());
    const response = await stub.fetch("https://borde.test/connect");
    expect(response.status).toBe(426);
  });

  it("delivers each frame to every other socket of the conversation", async () => {
    const stub = env.WEBCHAT_SESSION.get(env.WEBCHAT_SESSION.newUniqueId());
    const visitor = await connect(stub);
    const agent = await connect(stub);
    visitor.socket.send("hello from the visitor");
    await settle();
    expect(agent.received).toEqual(["hello from the visitor"]);
    expect(visitor.received).toEqual([]);
  });

  it("keeps its sockets when the object is evicted from memory (hibernation)", async () => {
    const stub = env.WEBCHAT_SESSION.get(env.WEBCHAT_SESSION.newUniqueId());
    const first = await connect(stub);
    const second = await connect(stub);
    await evictDurableObject(stub);
    first.socket.send("after eviction");
    await settle();
    expect(second.received).toEqual(["after eviction"]);
  });
});
