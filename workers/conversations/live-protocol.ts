// The protocol of a conversation's live session (the webchat widget's visitors and the tenant's people
// alike): one JSON object per WebSocket text frame, validated both ways.
import { z } from "zod";
import { MAX_MESSAGE_CHARS, MessageViewSchema } from "./api-schemas.ts";
import { MESSAGE_ROLES } from "./tables.ts";

/** Frames larger than this are refused unread. */
export const MAX_FRAME_BYTES = 16 * 1024;

/** What a visitor (or an agent joined live) sends. */
export const ClientFrameSchema = z.discriminatedUnion("type", [
  /** First frame after connecting: `last_seen_id` is the resume cursor. */
  z.strictObject({ type: z.literal("hello"), last_seen_id: z.uuid().nullish() }),
  z.strictObject({
    type: z.literal("message"),
    client_message_id: z.string().min(1).max(100),
    text: z.string().trim().min(1).max(MAX_MESSAGE_CHARS),
  }),
  z.strictObject({ type: z.literal("typing") }),
  z.strictObject({ type: z.literal("read"), up_to_id: z.uuid() }),
]);
export type ClientFrame = z.infer<typeof ClientFrameSchema>;
export const CLIENT_FRAME_TYPES = ["hello", "message", "typing", "read"] as const;

export const ERROR_CODES = [
  "invalid_frame",
  "unknown_type",
  "frame_too_large",
  "rate_limited",
  "conversation_closed",
  "conversation_not_found",
  "unavailable",
  "internal_error",
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** What the server sends. */
export const ServerFrameSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("ready"),
    conversation_id: z.uuid(),
    /** For visitors: keep it, and connect with it next time to resume this conversation. */
    visitor_token: z.string().optional(),
    agent_joined: z.boolean(),
  }),
  /** The message is stored: `message_id` is its id. Sent again, unchanged, for a repeated client id. */
  z.object({
    type: z.literal("ack"),
    client_message_id: z.string(),
    message_id: z.uuid(),
    duplicate: z.boolean(),
  }),
  /** A stored message; `reply_id` ties a streamed assistant reply to the deltas that preceded it. */
  z.object({ type: z.literal("message"), message: MessageViewSchema, reply_id: z.uuid().optional() }),
  z.object({ type: z.literal("delta"), reply_id: z.uuid(), text: z.string() }),
  z.object({ type: z.literal("typing"), role: z.enum(MESSAGE_ROLES) }),
  z.object({ type: z.literal("agent_joined") }),
  z.object({ type: z.literal("closed") }),
  z.object({
    type: z.literal("error"),
    code: z.enum(ERROR_CODES),
    detail: z.string(),
    client_message_id: z.string().optional(),
    retry_after_seconds: z.number().int().optional(),
  }),
]);
export type ServerFrame = z.infer<typeof ServerFrameSchema>;

/** The answer to a message: its `ack`, or the `error` that refused it. */
export type MessageOutcome = Extract<ServerFrame, { type: "ack" } | { type: "error" }>;

/** Serialises a server frame, checking it against the protocol first so no malformed frame leaves. */
export const encodeServerFrame = (frame: ServerFrame) => JSON.stringify(ServerFrameSchema.parse(frame));

export type DecodedFrame = { ok: true; frame: ClientFrame } | { ok: false; code: ErrorCode; detail: string };

/** Parses one incoming frame; every way it can be wrong maps to an error code for the `error` frame. */
export function decodeClientFrame(data: string | ArrayBuffer): DecodedFrame {
  const size = typeof data === "string" ? new TextEncoder().encode(data).byteLength : data.byteLength;
  if (size > MAX_FRAME_BYTES) {
    return { ok: false, code: "frame_too_large", detail: `Frames are limited to ${MAX_FRAME_BYTES} bytes.` };
  }
  if (typeof data !== "string") return { ok: false, code: "invalid_frame", detail: "Send JSON text frames." };
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return { ok: false, code: "invalid_frame", detail: "The frame is not JSON." };
  }
  const type = (json as { type?: unknown } | null)?.type;
  if (typeof type !== "string" || !(CLIENT_FRAME_TYPES as readonly string[]).includes(type)) {
    return {
      ok: false,
      code: "unknown_type",
      detail: `type must be one of ${CLIENT_FRAME_TYPES.join(", ")}.`,
    };
  }
  const parsed = ClientFrameSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map(
      (issue) => `${issue.path.join(".") || "(frame)"}: ${issue.message}`,
    );
    return { ok: false, code: "invalid_frame", detail: issues.join("; ") };
  }
  return { ok: true, frame: parsed.data };
}
