import { DurableObject } from "cloudflare:workers";
import type { Env } from "../workers/config/env.ts";

/**
 * One conversation's live sockets. Uses the WebSocket Hibernation API: the runtime holds the sockets, so
 * an idle conversation costs nothing and its sockets survive the object being evicted from memory.
 * Every frame a socket sends reaches every other socket of the conversation.
 */
export class WebchatSession extends DurableObject<Env> {
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
      return new Response("Expected a WebSocket upgrade", { status: 426, headers: { Upgrade: "websocket" } });
    }
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server);
    return new Response(null, { status: 101, webSocket: client });
  }

  override webSocketMessage(sender: WebSocket, message: string | ArrayBuffer): void {
    for (const socket of this.ctx.getWebSockets()) {
      if (socket !== sender) socket.send(message);
    }
  }

  override webSocketClose(socket: WebSocket, code: number, reason: string): void {
    socket.close(code, reason);
  }
}
