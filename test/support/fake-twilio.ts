// A local HTTP server that speaks Twilio's Messages API, so the Worker's Twilio client is exercised with
// no network. Markers in the message Body steer it, so tests running in parallel never share a script:
//   fake-twilio:429-once    the first attempt gets 429 with Retry-After: 1, the next ones succeed
//   fake-twilio:500-once    the first attempt gets a 500, the next ones succeed
//   fake-twilio:503-always  every attempt gets a 503
//   fake-twilio:400         a 400 in Twilio's error format (invalid To number)
// Requests without Basic auth get Twilio's 401. `GET /__requests` lists every request received.
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type RecordedTwilioRequest = {
  path: string;
  authorization: string | undefined;
  form: Record<string, string>;
  status: number;
  at: number;
};

export type FakeTwilio = { baseUrl: string; requests: RecordedTwilioRequest[]; close: () => Promise<void> };

function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  response.writeHead(status, { "content-type": "application/json", ...headers });
  response.end(JSON.stringify(body));
}

const twilioError = (status: number, code: number, message: string) => ({
  code,
  message,
  more_info: `https://www.twilio.com/docs/errors/${code}`,
  status,
});

const hex = (length: number) =>
  Array.from(crypto.getRandomValues(new Uint8Array(length / 2)), (byte) =>
    byte.toString(16).padStart(2, "0"),
  ).join("");

export async function startFakeTwilio(port = 0): Promise<FakeTwilio> {
  const requests: RecordedTwilioRequest[] = [];
  const attempts = new Map<string, number>();
  const server = createServer(async (request, response) => {
    const path = new URL(request.url ?? "/", "http://fake").pathname;
    if (request.method === "GET" && path === "/__requests")
      return sendJson(response, 200, requests.slice(-500));
    const match = path.match(/^\/2010-04-01\/Accounts\/(AC[0-9a-f]{32})\/Messages\.json$/);
    if (request.method !== "POST" || !match) {
      return sendJson(response, 404, twilioError(404, 20404, "The requested resource was not found"));
    }
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString("utf8")));
    const authorization = request.headers.authorization;
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      requests.push({ path, authorization, form, status, at: Date.now() });
      sendJson(response, status, body, headers);
    };
    if (!authorization?.startsWith("Basic ")) return reply(401, twilioError(401, 20003, "Authenticate"));
    const body = form.Body ?? "";
    const attempt = (attempts.get(body) ?? 0) + 1;
    attempts.set(body, attempt);
    if (body.includes("fake-twilio:429-once") && attempt === 1) {
      return reply(429, twilioError(429, 20429, "Too Many Requests"), { "retry-after": "1" });
    }
    if (body.includes("fake-twilio:500-once") && attempt === 1) {
      return reply(500, twilioError(500, 20500, "Internal Server Error"));
    }
    if (body.includes("fake-twilio:503-always"))
      return reply(503, twilioError(503, 20503, "Service Unavailable"));
    if (body.includes("fake-twilio:400")) {
      return reply(400, twilioError(400, 21211, "The 'To' number is not a valid phone number."));
    }
    if (!form.To || !form.From || !body) {
      return reply(400, twilioError(400, 21604, "A 'To', 'From' and 'Body' are required."));
    }
    const sid = `SM${hex(32)}`;
    const accountSid = match[1];
    return reply(201, {
      sid,
      account_sid: accountSid,
      from: form.From,
      to: form.To,
      body,
      status: "queued",
      direction: "outbound-api",
      api_version: "2010-04-01",
      date_created: new Date().toUTCString(),
      uri: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}.json`,
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${bound}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
