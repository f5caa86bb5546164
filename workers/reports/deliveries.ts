import { eq } from "drizzle-orm";
import { sendLoggedOnce } from "../alerts/notifications.ts";
import { alertChannels } from "../alerts/tables.ts";
import type { DatabaseSession } from "../db/client.ts";
import { renderReport, reportPathOf } from "./api-schemas.ts";
import { reportNotificationBody } from "./report-text.ts";
import { dailyReports, reportDeliveries } from "./tables.ts";

/** Sends one logged report delivery to its channel, signed as alert notifications are (see `sendLoggedOnce`). */
export const sendReportDelivery = (
  session: DatabaseSession,
  tenantId: string,
  deliveryId: string,
  publicUrl: string | undefined,
) =>
  sendLoggedOnce(session, tenantId, reportDeliveries, deliveryId, async (db, delivery) => {
    const [found] = await db
      .select({ report: dailyReports, channel: alertChannels })
      .from(dailyReports)
      .innerJoin(alertChannels, eq(alertChannels.id, delivery.channelId))
      .where(eq(dailyReports.id, delivery.reportId));
    if (!found) return null;
    const { report, channel } = found;
    const link = `${publicUrl ?? ""}${reportPathOf(report.id)}`;
    return { channel, body: reportNotificationBody(channel, renderReport(report), link) };
  });
