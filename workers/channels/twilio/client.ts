import type { Config } from "../../config/config.ts";
import { measuredFetch } from "../../observability/outbound.ts";

const twilioFetch = measuredFetch("twilio");

/** Twilio answered with a 4xx other than 429: retrying the same request would fail the same way. */
export class TwilioRejected extends Error {
  override name = "TwilioRejected";
  constructor(
    readonly status: number,
    readonly code: number | null,
    message: string,
  ) {
    super(message);
  }
}

/** Twilio stayed unavailable (429, 5xx or no answer) through every attempt. */
export class TwilioUnavailable extends Error {
  override name = "TwilioUnavailable";
  constructor(
    readonly attempts: number,
    readonly lastStatus: number | null,
    message: string,
  ) {
    super(message);
  }
}

export type RetryPolicy = { maxAttempts: number; baseDelayMs: number; maxDelayMs: number; timeoutMs: number };

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
  timeoutMs: 10_000,
};

export type WhatsAppMessage = {
  /** E.164 numbers; the `whatsapp:` prefix is added here. */
  from: string;
  to: string;
  body: string;
  statusCallback?: string;
};

export type SentMessage = { sid: string; status: string };

type TwilioErrorBody = { code?: number; message?: string };

/**
 * Twilio's REST API over fetch (its Node SDK does not run in Workers). 429 and 5xx answers and network
 * failures are retried with exponential backoff and full jitter, honouring Retry-After, up to
 * `maxAttempts`; other errors are reported at once.
 */
export class TwilioClient {
  private readonly authorization: string;

  constructor(
    private readonly accountSid: string,
    authToken: string,
    private readonly baseUrl: string,
    private readonly retry: RetryPolicy = DEFAULT_RETRY,
  ) {
    this.authorization = `Basic ${btoa(`${accountSid}:${authToken}`)}`;
  }

  async sendWhatsApp(message: WhatsAppMessage): Promise<SentMessage> {
    const form = new URLSearchParams({
      From: `whatsapp:${message.from}`,
      To: `whatsapp:${message.to}`,
      Body: message.body,
    });
    if (message.statusCallback) form.set("StatusCallback", message.statusCallback);
    const created = await this.post(`/2010-04-01/Accounts/${this.accountSid}/Messages.json`, form);
    return { sid: String(created.sid), status: String(created.status) };
  }

  private async post(path: string, form: URLSearchParams): Promise<Record<string, unknown>> {
    let lastStatus: number | null = null;
    let lastProblem = "";
    for (let attempt = 1; attempt <= this.retry.maxAttempts; attempt++) {
      let response: Response;
      try {
        response = await twilioFetch(`${this.baseUrl}${path}`, {
          method: "POST",
          headers: { authorization: this.authorization, "content-type": "application/x-www-form-urlencoded" },
          body: form,
          signal: AbortSignal.timeout(this.retry.timeoutMs),
        });
      } catch (error) {
        lastStatus = null;
        lastProblem = `no answer: ${String(error)}`;
        if (attempt < this.retry.maxAttempts) await sleep(this.backoff(attempt, null));
        continue;
      }
      if (response.ok) return (await response.json()) as Record<string, unknown>;
      const error = (await response.json().catch(() => ({}))) as TwilioErrorBody;
      lastStatus = response.status;
      lastProblem = error.message ?? response.statusText;
      if (response.status !== 429 && response.status < 500) {
        throw new TwilioRejected(
          response.status,
          error.code ?? null,
          `Twilio refused the request: ${lastProblem}`,
        );
      }
      if (attempt < this.retry.maxAttempts) {
        await sleep(this.backoff(attempt, response.headers.get("retry-after")));
      }
    }
    throw new TwilioUnavailable(
      this.retry.maxAttempts,
      lastStatus,
      `Twilio unavailable after ${this.retry.maxAttempts} attempts (${lastStatus ?? "network"}: ${lastProblem})`,
    );
  }

  /** Full jitter over an exponential ceiling, unless Twilio said how long to wait. */
  private backoff(attempt: number, retryAfter: string | null): number {
    const seconds = retryAfter === null ? Number.NaN : Number(retryAfter);
    if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, this.retry.maxDelayMs);
    const ceiling = Math.min(this.retry.baseDelayMs * 2 ** (attempt - 1), this.retry.maxDelayMs);
    return Math.random() * ceiling;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The Twilio client for this deployment, or null when its credentials are not set. */
export function twilioClient(config: Config, retry?: RetryPolicy): TwilioClient | null {
  const { accountSid, authToken, apiBaseUrl } = config.twilio;
  if (!accountSid || !authToken) return null;
  return new TwilioClient(accountSid, authToken, apiBaseUrl, retry);
}
