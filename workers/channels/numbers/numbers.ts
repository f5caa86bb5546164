import { and, eq } from "drizzle-orm";
import { type Assistant, enabledAssistant, getAssistant } from "../../assistants/assistants.ts";
import { assistants } from "../../assistants/tables.ts";
import type { Database } from "../../db/client.ts";
import { firstRow } from "../../db/first-row.ts";
import { deleteTenantRow, findTenantRow, tenantRow, tenantRowsWith } from "../../db/tenant-rows.ts";
import { listTenantRows, type Page } from "../../http/pagination.ts";
import { channelNumbers, type NumberChannel } from "./tables.ts";

export type ChannelNumber = typeof channelNumbers.$inferSelect;
export type ChannelNumberValues = Pick<ChannelNumber, "channel" | "phoneNumber" | "assistantId" | "enabled">;

export type NumberWrite =
  | { outcome: "saved"; number: ChannelNumber }
  | { outcome: "not_found" }
  | { outcome: "number_taken" }
  | { outcome: "unknown_assistant" };

/** The assistant must be one of the tenant's own (under RLS, another tenant's id is simply not found). */
async function assistantBelongs(db: Database, tenantId: string, assistantId: string | null | undefined) {
  return !assistantId || (await getAssistant(db, tenantId, assistantId)) !== null;
}

const UNIQUE_VIOLATION = "23505";

function isUniqueViolation(error: unknown): boolean {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    if ((cause as { code?: unknown }).code === UNIQUE_VIOLATION) return true;
  }
  return false;
}

export async function createChannelNumber(
  db: Database,
  tenantId: string,
  values: ChannelNumberValues,
): Promise<NumberWrite> {
  if (!(await assistantBelongs(db, tenantId, values.assistantId))) return { outcome: "unknown_assistant" };
  const [number] = await db
    .insert(channelNumbers)
    .values({ ...values, tenantId })
    .onConflictDoNothing({ target: [channelNumbers.channel, channelNumbers.phoneNumber] })
    .returning();
  return number ? { outcome: "saved", number } : { outcome: "number_taken" };
}

export const listChannelNumbers = (db: Database, tenantId: string, page: Page): Promise<ChannelNumber[]> =>
  listTenantRows(db, channelNumbers, tenantId, page);

export const getChannelNumber = (db: Database, tenantId: string, id: string) =>
  findTenantRow(db, channelNumbers, tenantId, id);

export async function updateChannelNumber(
  db: Database,
  tenantId: string,
  id: string,
  changes: Partial<Omit<ChannelNumberValues, "channel">>,
): Promise<NumberWrite> {
  if (!(await assistantBelongs(db, tenantId, changes.assistantId))) return { outcome: "unknown_assistant" };
  try {
    const [number] = await db
      .update(channelNumbers)
      .set({ ...changes, updatedAt: new Date() })
      .where(tenantRow(channelNumbers, tenantId, id))
      .returning();
    return number ? { outcome: "saved", number } : { outcome: "not_found" };
  } catch (error) {
    if (isUniqueViolation(error)) return { outcome: "number_taken" };
    throw error;
  }
}

export async function deleteChannelNumber(db: Database, tenantId: string, id: string): Promise<boolean> {
  return deleteTenantRow(db, channelNumbers, tenantId, id);
}

/**
 * The enabled number a Twilio webhook was addressed to, whatever its tenant: system work, run before any
 * tenant is known (the number is what tells the tenant).
 */
export const routeNumber = (db: Database, channel: NumberChannel, phoneNumber: string) =>
  firstRow(
    db
      .select()
      .from(channelNumbers)
      .where(
        and(
          eq(channelNumbers.channel, channel),
          eq(channelNumbers.phoneNumber, phoneNumber),
          eq(channelNumbers.enabled, true),
        ),
      ),
  );

/**
 * The assistant that answers on one of the tenant's numbers: the number's own, when it has one and it is
 * enabled, else the tenant's enabled assistant; null when none is (then nobody answers automatically).
 */
export async function answeringAssistant(
  db: Database,
  tenantId: string,
  channel: NumberChannel,
  phoneNumber: string | null,
): Promise<Assistant | null> {
  if (phoneNumber) {
    const [own] = await db
      .select({ assistant: assistants })
      .from(channelNumbers)
      .innerJoin(assistants, eq(assistants.id, channelNumbers.assistantId))
      .where(
        tenantRowsWith(channelNumbers, tenantId, { channel, phoneNumber }, eq(assistants.enabled, true)),
      );
    if (own) return own.assistant;
  }
  return enabledAssistant(db, tenantId);
}
