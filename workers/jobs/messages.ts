import { z } from "zod";

/** Every message the JOBS queue carries, told apart by `type`. */
export const JobMessageSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("scheduler.tick"), run_id: z.uuid() }),
  z.object({ type: z.literal("audit.run"), audit_id: z.uuid() }),
  /** The assistant answers a WhatsApp message (stored as `message_id`) and the answer goes out through Twilio. */
  z.object({
    type: z.literal("whatsapp.reply"),
    tenant_id: z.uuid(),
    conversation_id: z.uuid(),
    message_id: z.uuid(),
    status_callback: z.url(),
  }),
  /** A stored message of a WhatsApp conversation (an agent's) goes out through Twilio. */
  z.object({
    type: z.literal("whatsapp.send"),
    tenant_id: z.uuid(),
    message_id: z.uuid(),
    status_callback: z.url(),
  }),
]);

export type JobMessage = z.infer<typeof JobMessageSchema>;
