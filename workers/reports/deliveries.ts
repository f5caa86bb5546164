import { and, eq, isNull, sql } from "drizzle-orm";
import { NotificationNotDelivered, postSigned } from "../alerts/notifications.ts";
import { alertChannels } from "../alerts/tables.ts";
import type { DatabaseSession } from "../db/client.ts";
import { renderReport, reportPathOf } from "./api-schemas.ts";
import { reportNotificationBody } from "./report-text.ts";
import { dailyReports, reportDeliveries } from "./tables.ts";

/**
 * Sends one logged report delivery to its channel, signed as alert notifications are, unless it was
 * already sent (a redelivered message sends nothing). The send is outside any transaction; its outcome is
 * recorded after, and a refused send throws so the queue retries it with its backoff.
 */
export async function sendReportDelivery(
  session: DatabaseSession,
  tenantId: string,
  deliveryId: string,
  publicUrl: string | undefined,
): Promise<"sent" | "already sent"> {
  const claimed = await session.tenant(tenantId, async (db) => {
    const [delivery] = await db
      .update(reportDeliveries)
      .set({ attempts: sql`${reportDeliveries.attempts} + 1` })
      .where(
        and(
          eq(reportDeliveries.tenantId, tenantId),
          eq(reportDeliveries.id, deliveryId),
          isNull(reportDeliveries.sentAt),
        ),
      )
      .returning();
    if (!delivery) return null;
    const [found] = await db
      .select({ report: dailyReports, channel: alertChannels })
      .from(dailyReports)
      .innerJoin(alertChannels, eq(alertChannels.id, delivery.channelId))
      .where(eq(dailyReports.id, delivery.reportId));
    return found ?? null;
  });
  if (!claimed) return "already sent";
  const { report, channel } = claimed;
  const body = reportNotificationBody(
    channel,
    renderReport(report),
    `${publicUrl ?? ""}${reportPathOf(report.id)}`,
  );
  const failure = await postSigned(channel, body);
  await session.tenant(tenantId, (db) =>
    db
      .update(reportDeliveries)
      .set(failure === null ? { sentAt: new Date(), lastError: null } : { lastError: failure })
      .where(and(eq(reportDeliveries.tenantId, tenantId), eq(reportDeliveries.id, deliveryId))),
  );
  if (failure !== null) throw new NotificationNotDelivered(failure);
  return "sent";
}
