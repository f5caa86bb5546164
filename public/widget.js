// <borde-chat key="wk_…">: Borde's webchat widget. No dependencies; everything lives in a shadow root.
// It speaks the webchat protocol over one WebSocket, resumes from the last message it saw, keeps what is
// typed while offline in an outbox (localStorage) until the server acknowledges it, and reconnects with
// exponential backoff and jitter.
(() => {
  const scriptOrigin = document.currentScript ? new URL(document.currentScript.src).origin : location.origin;
  const MAX_BACKOFF_MS = 30_000;
  const TYPING_EVERY_MS = 2_000;
  const TYPING_SHOWN_MS = 4_000;
  // After this many failed connections in a row, the network likely blocks WebSockets: poll over HTTP.
  const FAILURES_BEFORE_POLLING = 3;
  const POLL_EVERY_MS = 3_000;
  const WHO = { visitor: "You", assistant: "Assistant", agent: "Agent", system: "Notice" };

  const STYLE = `
    :host { all: initial; font: 15px/1.4 system-ui, sans-serif; color: #1b1b1f; }
    .panel { display: flex; flex-direction: column; width: min(380px, 100%); height: 480px;
      border: 1px solid #c9c9d1; border-radius: 12px; background: #fff; overflow: hidden; }
    header { padding: 10px 14px; background: #22223b; color: #fff; font-weight: 600;
      display: flex; justify-content: space-between; align-items: center; }
    .status { font-weight: 400; font-size: 12px; opacity: .85; }
    ol { list-style: none; margin: 0; padding: 12px; flex: 1; overflow-y: auto; display: flex;
      flex-direction: column; gap: 8px; }
    li { max-width: 85%; padding: 8px 10px; border-radius: 10px; background: #f0f0f5; white-space: pre-wrap;
      overflow-wrap: anywhere; }
    li.visitor { align-self: flex-end; background: #3a5a98; color: #fff; }
    li.pending { opacity: .6; }
    li .who { display: block; font-size: 11px; opacity: .75; }
    .typing { min-height: 18px; padding: 0 14px; font-size: 12px; color: #55556a; }
    form { display: flex; gap: 8px; padding: 10px; border-top: 1px solid #e4e4ea; }
    textarea { flex: 1; resize: none; font: inherit; padding: 8px; border: 1px solid #c9c9d1; border-radius: 8px; }
    button { font: inherit; padding: 8px 14px; border: 0; border-radius: 8px; background: #22223b; color: #fff;
      cursor: pointer; }
    textarea:focus-visible, button:focus-visible { outline: 3px solid #f2a541; outline-offset: 1px; }
    .sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  `;

  class BordeChat extends HTMLElement {
    #socket = null;
    #attempt = 0;
    #polling = false;
    #timer = 0;
    #lastTyping = 0;
    #typingTimer = 0;
    #seen = new Set();
    #streams = new Map();

    connectedCallback() {
      this.key = this.getAttribute("key") ?? "";
      this.base = this.getAttribute("api") ?? scriptOrigin;
      this.store = `borde-chat:${this.key}`;
      const root = this.attachShadow({ mode: "open" });
      root.innerHTML = `<style>${STYLE}</style>
        <section class="panel" aria-label="Chat">
          <header><span class="title"></span>
            <span class="status" role="status">Connecting…</span></header>
          <ol role="log" aria-live="polite" aria-label="Messages"></ol>
          <div class="typing" aria-live="polite"></div>
          <form><label class="sr-only" for="text">Message</label>
            <textarea id="text" rows="2" maxlength="4000" placeholder="Type a message…"></textarea>
            <button type="submit">Send</button></form>
        </section>`;
      root.querySelector(".title").textContent = this.getAttribute("title") ?? "Chat with us";
      this.log = root.querySelector("ol");
      this.status = root.querySelector(".status");
      this.typing = root.querySelector(".typing");
      this.input = root.querySelector("textarea");
      root.querySelector("form").addEventListener("submit", (event) => {
        event.preventDefault();
        this.#submit();
      });
      this.input.addEventListener("keydown", (event) => {
        if (event.key === "Enter" && !event.shiftKey) {
          event.preventDefault();
          this.#submit();
        }
      });
      this.input.addEventListener("input", () => this.#typed());
      for (const item of this.#outbox()) this.#render({ pending: true, role: "visitor", ...item });
      this.#connect();
    }

    disconnectedCallback() {
      clearTimeout(this.#timer);
      this.#socket?.close(1000, "widget removed");
    }

    #get(name) {
      return localStorage.getItem(`${this.store}:${name}`);
    }

    #set(name, value) {
      if (value === null) localStorage.removeItem(`${this.store}:${name}`);
      else localStorage.setItem(`${this.store}:${name}`, value);
    }

    #outbox() {
      try {
        return JSON.parse(this.#get("outbox") ?? "[]");
      } catch {
        return [];
      }
    }

    #connect() {
      const url = new URL("/api/v1/webchat/connect", this.base);
      url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
      url.searchParams.set("key", this.key);
      const token = this.#get("token");
      if (token) url.searchParams.set("token", token);
      const socket = new WebSocket(url);
      this.#socket = socket;
      socket.addEventListener("open", () => {
        // Resume from the last message this page showed; a fresh page asks for the whole history.
        socket.send(JSON.stringify({ type: "hello", last_seen_id: this.lastId ?? null }));
      });
      socket.addEventListener("message", (event) => {
        try {
          this.#receive(JSON.parse(event.data));
        } catch {
          // A frame this version does not understand is skipped.
        }
      });
      socket.addEventListener("close", () => {
        if (this.#socket !== socket) return;
        this.#socket = null;
        if (this.#attempt >= FAILURES_BEFORE_POLLING) {
          this.#poll();
          return;
        }
        this.status.textContent = "Offline, reconnecting…";
        // Exponential backoff with full jitter, so many widgets do not reconnect in step.
        const ceiling = Math.min(MAX_BACKOFF_MS, 500 * 2 ** this.#attempt++);
        this.#timer = setTimeout(() => this.#connect(), ceiling / 2 + (Math.random() * ceiling) / 2);
      });
    }

    #receive(frame) {
      switch (frame.type) {
        case "ready":
          this.#attempt = 0;
          if (frame.visitor_token) this.#set("token", frame.visitor_token);
          this.status.textContent = frame.agent_joined ? "Connected to an agent" : "Online";
          for (const item of this.#outbox()) this.#send(item);
          break;
        case "ack": {
          this.#set(
            "outbox",
            JSON.stringify(this.#outbox().filter((m) => m.client_message_id !== frame.client_message_id)),
          );
          const pending = this.log.querySelector(`[data-client-id="${CSS.escape(frame.client_message_id)}"]`);
          if (pending) {
            pending.classList.remove("pending");
            pending.dataset.id = frame.message_id;
          }
          this.#seen.add(frame.message_id);
          this.#saw(frame.message_id);
          break;
        }
        case "message":
          this.#message(frame.message, frame.reply_id);
          break;
        case "delta": {
          let bubble = this.#streams.get(frame.reply_id);
          if (!bubble) {
            bubble = this.#render({ role: "assistant", text: "" });
            this.#streams.set(frame.reply_id, bubble);
          }
          bubble.querySelector(".text").textContent += frame.text;
          this.typing.textContent = "";
          this.#scroll();
          break;
        }
        case "typing":
          if (frame.role === "visitor") break;
          this.typing.textContent = `${WHO[frame.role] ?? "Someone"} is typing…`;
          clearTimeout(this.#typingTimer);
          this.#typingTimer = setTimeout(() => {
            this.typing.textContent = "";
          }, TYPING_SHOWN_MS);
          break;
        case "agent_joined":
          this.status.textContent = "Connected to an agent";
          this.#render({ role: "system", text: "An agent joined the conversation." });
          break;
        case "closed":
          this.#set("token", null);
          this.status.textContent = "Conversation closed";
          break;
        case "error":
          if (frame.code === "rate_limited") this.status.textContent = "Slow down a little…";
          break;
      }
    }

    /** Ids sort by creation, so the greatest one seen is where to resume from. */
    #saw(id) {
      if (!this.lastId || id > this.lastId) this.lastId = id;
    }

    #message(message, replyId) {
      if (this.#seen.has(message.id)) return;
      this.#seen.add(message.id);
      this.#saw(message.id);
      const streamed = replyId && this.#streams.get(replyId);
      const own =
        message.client_message_id &&
        this.log.querySelector(`[data-client-id="${CSS.escape(message.client_message_id)}"]`);
      if (streamed || own) {
        const bubble = streamed || own;
        bubble.replaceWith(this.#bubble(message));
        this.#streams.delete(replyId);
      } else {
        this.#render(message);
      }
      if (message.role !== "visitor") {
        this.typing.textContent = "";
        if (this.#socket?.readyState === WebSocket.OPEN) {
          this.#socket.send(JSON.stringify({ type: "read", up_to_id: message.id }));
        }
      }
    }

    #bubble(message) {
      const item = document.createElement("li");
      item.className = `${message.role}${message.pending ? " pending" : ""}`;
      if (message.id) item.dataset.id = message.id;
      if (message.client_message_id) item.dataset.clientId = message.client_message_id;
      const who = document.createElement("span");
      who.className = "who";
      who.textContent = WHO[message.role] + (message.source === "fallback" ? " (automatic reply)" : "");
      const text = document.createElement("span");
      text.className = "text";
      text.textContent = message.text;
      item.append(who, text);
      return item;
    }

    #render(message) {
      const item = this.#bubble(message);
      this.log.append(item);
      this.#scroll();
      return item;
    }

    #scroll() {
      this.log.scrollTop = this.log.scrollHeight;
    }

    #submit() {
      const text = this.input.value.trim();
      if (!text) return;
      this.input.value = "";
      const item = { client_message_id: crypto.randomUUID(), text };
      this.#set("outbox", JSON.stringify([...this.#outbox(), item]));
      this.#render({ pending: true, role: "visitor", ...item });
      this.#send(item);
    }

    #send(item) {
      if (this.#polling) {
        this.#post(item).catch(() => undefined);
      } else if (this.#socket?.readyState === WebSocket.OPEN) {
        this.#socket.send(JSON.stringify({ type: "message", ...item }));
      }
    }

    /** The REST fallback: same messages and acks as the socket, over plain HTTP. */
    async #rest(method, path, body, query = {}) {
      const url = new URL(path, this.base);
      url.searchParams.set("key", this.key);
      for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
      const token = this.#get("token");
      const response = await fetch(url, {
        method,
        headers: {
          ...(body ? { "content-type": "application/json" } : {}),
          ...(token && path !== "/api/v1/webchat/sessions" ? { "x-visitor-token": token } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
      });
      if (!response.ok) throw new Error(`${path}: ${response.status}`);
      return response.json();
    }

    async #post(item) {
      this.#receive(await this.#rest("POST", "/api/v1/webchat/messages", item));
    }

    async #poll() {
      try {
        if (!this.#polling) {
          const session = await this.#rest("POST", "/api/v1/webchat/sessions", {
            visitor_token: this.#get("token") ?? undefined,
          });
          this.#set("token", session.visitor_token);
          this.#polling = true;
          this.status.textContent = "Online (without WebSocket)";
          for (const item of this.#outbox()) await this.#post(item);
        }
        const page = await this.#rest(
          "GET",
          "/api/v1/webchat/messages",
          null,
          this.lastId ? { after: this.lastId } : {},
        );
        for (const message of page.data) this.#message(message);
      } catch {
        this.status.textContent = "Offline, retrying…";
      }
      this.#timer = setTimeout(() => this.#poll(), POLL_EVERY_MS);
    }

    #typed() {
      const now = Date.now();
      if (now - this.#lastTyping < TYPING_EVERY_MS || this.#socket?.readyState !== WebSocket.OPEN) return;
      this.#lastTyping = now;
      this.#socket.send(JSON.stringify({ type: "typing" }));
    }
  }

  if (!customElements.get("borde-chat")) customElements.define("borde-chat", BordeChat);
})();
