import { z } from "zod";

/** Every message the JOBS queue carries, told apart by `type`. */
export const JobMessageSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("scheduler.tick"), run_id: z.uuid() }),
  z.object({ type: z.literal("audit.run"), audit_id: z.uuid() }),
]);

export type JobMessage = z.infer<typeof JobMessageSchema>;
