import { z } from "zod";
import type { Env } from "../config/env.ts";
import { tracedStub } from "../observability/tracing.ts";

/**
 * Who is on a socket or sending through the REST fallback, as the Worker established it before handing
 * the request to the conversation's Durable Object. Kept in the socket's attachment, so it survives
 * hibernation.
 */
export const ParticipantSchema = z.discriminatedUnion("role", [
  z.object({
    role: z.literal("visitor"),
    tenantId: z.uuid(),
    conversationId: z.uuid(),
    contactId: z.uuid(),
    visitorToken: z.string().optional(),
  }),
  z.object({
    role: z.literal("agent"),
    tenantId: z.uuid(),
    conversationId: z.uuid(),
    userId: z.uuid(),
    /** The API's origin as the agent reached it: where Twilio reports the delivery of WhatsApp answers. */
    origin: z.url(),
  }),
]);
export type Participant = z.infer<typeof ParticipantSchema>;

/** The header that carries the participant from the Worker to the Durable Object on an upgrade. */
export const PARTICIPANT_HEADER = "x-borde-webchat-participant";

/** The conversation's Durable Object: one per conversation, named by its id. */
export function sessionStub(namespace: Env["WEBCHAT_SESSION"], conversationId: string) {
  return tracedStub("WebchatSession", namespace.get(namespace.idFromName(conversationId)));
}
