import type { MessageStatus } from "./wire.ts";

// Where each state stands on the way to the recipient. Twilio's callbacks can arrive out of order (a
// `sent` after its `delivered`), so a message only ever moves forward along this order.
const PROGRESS: Record<MessageStatus, number> = {
  accepted: 0,
  scheduled: 0,
  queued: 1,
  sending: 2,
  sent: 3,
  delivered: 4,
  read: 5,
  // Ends: nothing follows them. A failure outranks queued…sent (the message was lost on the way) but not
  // delivered or read (a message that arrived was not lost, whatever a late callback says).
  undelivered: 3.5,
  failed: 3.5,
  canceled: 3.5,
};

const TERMINAL = new Set<MessageStatus>(["undelivered", "failed", "canceled"]);

export const isTerminal = (status: MessageStatus) => TERMINAL.has(status);

/**
 * The status to keep when a callback reports `reported` for a message now at `current`: `reported` if it
 * moves the message forward, otherwise `current` (a late or repeated callback changes nothing).
 */
export function nextStatus(current: MessageStatus, reported: MessageStatus): MessageStatus {
  if (isTerminal(current)) return current;
  return PROGRESS[reported] > PROGRESS[current] ? reported : current;
}

/** Where Twilio reports the delivery of what Borde sends: this route, on the host Twilio reached Borde at. */
export const statusCallbackUrl = (requestUrl: string) =>
  new URL("/api/v1/channels/whatsapp/status", requestUrl).href;
