// The webchat part of `npm run bench`: one conversation's Durable Object, driven over real WebSockets.
import WebSocket from "ws";

const ORIGIN = "http://bench.local";

type Frame = { type: string; [field: string]: unknown };

export type WebchatBench = {
  visitor_send_to_ack_p50_ms: number;
  visitor_send_to_ack_p99_ms: number;
  visitor_samples: number;
  agent_messages_per_second: number;
  agent_send_to_ack_p50_ms: number;
  agent_send_to_ack_p99_ms: number;
  agent_messages: number;
  idle_sockets_held: number;
  idle_sockets_reached_by_one_message: number;
  broadcast_to_all_ms: number;
};

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round((sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0) * 10) / 10;
};

let ipCounter = 0;
/** Each socket a client address of its own, as many visitors would have (the anonymous limit is per IP). */
const nextIp = () => `10.${(ipCounter >> 16) & 255}.${(ipCounter >> 8) & 255}.${ipCounter++ & 255}`;

class Client {
  readonly frames: Frame[] = [];
  readonly socket: WebSocket;
  #waiters = new Map<string, (frame: Frame) => void>();

  private constructor(socket: WebSocket) {
    this.socket = socket;
    socket.on("message", (data) => {
      const frame = JSON.parse(String(data)) as Frame;
      this.frames.push(frame);
      if (frame.type === "ack") this.#waiters.get(String(frame.client_message_id))?.(frame);
      this.onFrame?.(frame);
    });
  }

  onFrame?: (frame: Frame) => void;

  /** Visitors connect from the widget's page (ORIGIN); the agent here from outside a browser (null). */
  static open(url: string, headers: Record<string, string>, origin: string | null = ORIGIN): Promise<Client> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, {
        origin: origin ?? undefined,
        headers: { "cf-connecting-ip": nextIp(), ...headers },
      });
      socket.once("open", () => resolve(new Client(socket)));
      socket.once("error", reject);
      socket.once("unexpected-response", (_request, response) => {
        let body = "";
        response.on("data", (chunk: Buffer) => {
          body += chunk;
        });
        response.on("end", () => reject(new Error(`upgrade refused: ${response.statusCode} ${body}`)));
      });
    });
  }

  send(frame: Frame): void {
    this.socket.send(JSON.stringify(frame));
  }

  /** Sends a message and resolves with the milliseconds until its ack. */
  message(id: string, text: string): Promise<number> {
    const started = performance.now();
    return new Promise((resolve) => {
      this.#waiters.set(id, () => {
        this.#waiters.delete(id);
        resolve(performance.now() - started);
      });
      this.send({ type: "message", client_message_id: id, text });
    });
  }

  async ready(): Promise<Frame> {
    this.send({ type: "hello", last_seen_id: null });
    for (;;) {
      const frame = this.frames.find((candidate) => candidate.type === "ready");
      if (frame) return frame;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}

async function api(base: string, path: string, body: unknown, token?: string) {
  const response = await fetch(`${base}${path}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "cf-connecting-ip": nextIp(),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response.json() as Promise<Record<string, unknown>>;
}

/**
 * A tenant with a widget key and no assistant (so only the session's own work is measured). Then: a
 * visitor's send→ack within their rate limit; an agent (not rate limited) sending back to back for
 * `seconds` while the visitor's socket receives every message; and idle sockets on one conversation.
 */
export async function benchWebchat(
  base: string,
  seconds: number,
  idleSockets: number,
): Promise<WebchatBench> {
  const id = crypto.randomUUID().slice(0, 8);
  const session = await api(base, "/api/v1/auth/register", {
    email: `bench-${id}@example.com`,
    password: `bench-password-${id}`,
    name: "Bench",
    tenant_name: `Bench ${id}`,
    tenant_slug: `bench-${id}`,
  });
  const accessToken = String(session.access_token);
  const widget = await api(
    base,
    "/api/v1/widget-keys",
    { name: "bench", allowed_origins: [ORIGIN] },
    accessToken,
  );
  const wsBase = base.replace(/^http/, "ws");
  const connectUrl = (token?: string) =>
    `${wsBase}/api/v1/webchat/connect?key=${widget.key}${token ? `&token=${encodeURIComponent(token)}` : ""}`;

  const visitor = await Client.open(connectUrl(), {});
  const ready = await visitor.ready();
  const conversationId = String(ready.conversation_id);
  const visitorToken = String(ready.visitor_token);

  // The visitor's limit is 20 messages a minute; stay inside its burst.
  const visitorLatencies: number[] = [];
  for (let i = 0; i < 15; i++) visitorLatencies.push(await visitor.message(`v-${i}`, `visitor message ${i}`));

  const agent = await Client.open(
    `${wsBase}/api/v1/conversations/${conversationId}/live`,
    { authorization: `Bearer ${accessToken}` },
    null,
  );
  const agentLatencies: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  // Four messages in flight at a time: the session takes them concurrently, as it would from several tabs.
  await Promise.all(
    Array.from({ length: 4 }, async (_, lane) => {
      for (let i = 0; performance.now() < deadline; i++) {
        agentLatencies.push(await agent.message(`a-${lane}-${i}`, `agent message ${lane}/${i}`));
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;

  const idle: Client[] = [];
  try {
    for (let i = 0; i < idleSockets; i++) idle.push(await Client.open(connectUrl(visitorToken), {}));
  } catch (error) {
    console.log(`idle sockets: stopped at ${idle.length}: ${(error as Error).message}`);
  }
  let reached = 0;
  const everyoneHeard = new Promise<void>((resolve) => {
    for (const client of idle) {
      client.onFrame = (frame) => {
        if (frame.type === "message" && (frame.message as { text: string }).text === "to everyone") {
          reached++;
          if (reached === idle.length) resolve();
        }
      };
    }
  });
  const broadcastStarted = performance.now();
  agent.send({ type: "message", client_message_id: "broadcast", text: "to everyone" });
  await Promise.race([everyoneHeard, new Promise((resolve) => setTimeout(resolve, 30_000))]);
  const broadcastMs = performance.now() - broadcastStarted;

  for (const client of [visitor, agent, ...idle]) client.socket.terminate();
  return {
    visitor_send_to_ack_p50_ms: percentile(visitorLatencies, 0.5),
    visitor_send_to_ack_p99_ms: percentile(visitorLatencies, 0.99),
    visitor_samples: visitorLatencies.length,
    agent_messages_per_second: Math.round(agentLatencies.length / elapsed),
    agent_send_to_ack_p50_ms: percentile(agentLatencies, 0.5),
    agent_send_to_ack_p99_ms: percentile(agentLatencies, 0.99),
    agent_messages: agentLatencies.length,
    idle_sockets_held: idle.length,
    idle_sockets_reached_by_one_message: reached,
    broadcast_to_all_ms: Math.round(broadcastMs),
  };
}
