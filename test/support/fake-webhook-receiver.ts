// A local HTTP server that receives alert notifications as a team's webhook endpoint (or a Slack incoming
// webhook) would, and keeps them for the tests to read:
//   POST /hooks/<name>           any body; answered 200, except the first call of a path containing
//                                "/flaky/", which gets 503 (the sender must retry)
//   GET  /__received?path=/hooks/<name>   [{ "headers": {...}, "body": "<raw body>", "status": 200 }, …]
// Tests use a name of their own per channel, so parallel tests never read each other's calls.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export type ReceivedCall = { headers: Record<string, string>; body: string; status: number };
export type FakeWebhookReceiver = { baseUrl: string; close: () => Promise<void> };

export async function startFakeWebhookReceiver(): Promise<FakeWebhookReceiver> {
  const calls = new Map<string, ReceivedCall[]>();
  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? "/", "http://receiver");
    if (request.method === "GET" && url.pathname === "/__received") {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify(calls.get(url.searchParams.get("path") ?? "") ?? []));
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const received = calls.get(url.pathname) ?? [];
    const status = url.pathname.includes("/flaky/") && received.length === 0 ? 503 : 200;
    const headers = Object.fromEntries(
      Object.entries(request.headers).map(([name, value]) => [name, String(value)]),
    );
    received.push({ headers, body: Buffer.concat(chunks).toString("utf8"), status });
    calls.set(url.pathname, received);
    response.writeHead(status, { "content-type": "text/plain" });
    response.end(status === 200 ? "ok" : "try again");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
