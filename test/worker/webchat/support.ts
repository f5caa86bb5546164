import { SELF } from "cloudflare:test";
import { expect } from "vitest";
import { type ServerFrame, ServerFrameSchema } from "../../../workers/conversations/live-protocol.ts";
import { BASE, bearer, callAs, randomIp, registerTenant, type TestAccount } from "../support/identity.ts";

/** The site that embeds the widget in these tests. */
export const SHOP_ORIGIN = "https://shop.example";

export type WebchatTenant = { owner: TestAccount; widgetKey: string };

/** A tenant with a widget key for SHOP_ORIGIN and, unless told otherwise, an enabled assistant. */
export async function webchatTenant(options: { instructions?: string; assistant?: boolean } = {}) {
  const owner = await registerTenant();
  const key = await callAs(owner, "POST", "/api/v1/widget-keys", {
    name: "shop",
    allowed_origins: [SHOP_ORIGIN],
  });
  expect(key.status, await key.clone().text()).toBe(201);
  if (options.assistant !== false) {
    const assistant = await callAs(owner, "POST", "/api/v1/assistants", {
      name: "Helper",
      model: "gpt-4o-mini",
      instructions: options.instructions ?? "Answer briefly.",
    });
    expect(assistant.status, await assistant.clone().text()).toBe(201);
  }
  return { owner, widgetKey: (await key.json<{ key: string }>()).key };
}

/** A socket and every frame it has received, parsed against the protocol. */
export class TestSocket {
  readonly frames: ServerFrame[] = [];
  #waiters: (() => void)[] = [];

  constructor(readonly socket: WebSocket) {
    socket.accept();
    socket.addEventListener("message", (event) => {
      this.frames.push(ServerFrameSchema.parse(JSON.parse(String(event.data))));
      for (const wake of this.#waiters.splice(0)) wake();
    });
  }

  send(frame: unknown): void {
    this.socket.send(typeof frame === "string" ? frame : JSON.stringify(frame));
  }

  /** Waits for the first frame (after `from`) that matches, and returns it. */
  async next<T extends ServerFrame["type"]>(
    type: T,
    match: (frame: Extract<ServerFrame, { type: T }>) => boolean = () => true,
    { from = 0, timeoutMs = 5000 } = {},
  ): Promise<Extract<ServerFrame, { type: T }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.frames
        .slice(from)
        .find(
          (frame): frame is Extract<ServerFrame, { type: T }> => frame.type === type && match(frame as never),
        );
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`no ${type} frame within ${timeoutMs} ms; got ${JSON.stringify(this.frames)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  of<T extends ServerFrame["type"]>(type: T): Extract<ServerFrame, { type: T }>[] {
    return this.frames.filter((frame): frame is Extract<ServerFrame, { type: T }> => frame.type === type);
  }

  close(): void {
    this.socket.close(1000, "done");
  }
}

export function connectRequest(widgetKey: string, options: { token?: string; origin?: string } = {}) {
  const url = new URL(`${BASE}/api/v1/webchat/connect`);
  url.searchParams.set("key", widgetKey);
  if (options.token) url.searchParams.set("token", options.token);
  return SELF.fetch(url, {
    headers: { Upgrade: "websocket", Origin: options.origin ?? SHOP_ORIGIN, "cf-connecting-ip": randomIp() },
  });
}

/** A visitor's socket, after `hello` and its `ready`. */
export async function connectVisitor(
  widgetKey: string,
  options: { token?: string; lastSeenId?: string } = {},
): Promise<{ visitor: TestSocket; ready: Extract<ServerFrame, { type: "ready" }> }> {
  const response = await connectRequest(widgetKey, options);
  expect(response.status, response.status === 101 ? "" : await response.text()).toBe(101);
  if (!response.webSocket) throw new Error("no socket in the upgrade response");
  const visitor = new TestSocket(response.webSocket);
  visitor.send({ type: "hello", last_seen_id: options.lastSeenId ?? null });
  const ready = await visitor.next("ready");
  if (!ready.visitor_token) throw new Error("ready without a visitor token");
  return { visitor, ready };
}

/** A tenant person's live socket on a conversation. */
export async function connectAgent(account: TestAccount, conversationId: string): Promise<TestSocket> {
  const response = await SELF.fetch(`${BASE}/api/v1/conversations/${conversationId}/live`, {
    headers: { Upgrade: "websocket", ...bearer(account), "cf-connecting-ip": randomIp() },
  });
  expect(response.status, response.status === 101 ? "" : await response.text()).toBe(101);
  if (!response.webSocket) throw new Error("no socket in the upgrade response");
  return new TestSocket(response.webSocket);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
