import { hexOf, hmacSha256 } from "../lib/crypto.ts";
import type { alertChannels, notifications } from "./tables.ts";

type Channel = Pick<typeof alertChannels.$inferSelect, "name" | "type">;
type Notification = Pick<
  typeof notifications.$inferSelect,
  "id" | "groupKey" | "groupLabels" | "status" | "alerts" | "decidedAt"
>;

/** The header a receiver checks: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. */
export const SIGNATURE_HEADER = "Borde-Signature";

/** Labels every alert of the notification shares, as Alertmanager's commonLabels. */
function commonLabels(labelSets: Record<string, string>[]): Record<string, string> {
  const [first, ...rest] = labelSets;
  if (!first) return {};
  return Object.fromEntries(
    Object.entries(first).filter(([name, value]) => rest.every((labels) => labels[name] === value)),
  );
}

function slackText(notification: Notification): string {
  const firing = notification.alerts.filter((alert) => alert.status === "firing").length;
  const name = notification.groupLabels.alertname ?? Object.values(notification.groupLabels).join(" ");
  const head =
    notification.status === "firing" ? `[FIRING:${firing}] ${name}` : `[RESOLVED] ${name}`.trimEnd();
  const lines = notification.alerts.map((alert) => {
    const summary = alert.annotations.summary ?? alert.annotations.description ?? "";
    const labels = Object.entries(alert.labels)
      .map(([label, value]) => `${label}=${value}`)
      .join(", ");
    return `• ${alert.status === "firing" ? "firing" : "resolved"}: ${summary || labels}`;
  });
  return [head, ...lines].join("\n");
}

/** The body a channel is sent: Borde's webhook JSON, or `{ text }` for a Slack-compatible webhook. */
export function notificationBody(channel: Channel, notification: Notification): string {
  if (channel.type === "slack") return JSON.stringify({ text: slackText(notification) });
  return JSON.stringify({
    version: "1",
    notification_id: notification.id,
    receiver: channel.name,
    status: notification.status,
    group_key: notification.groupKey,
    group_labels: notification.groupLabels,
    common_labels: commonLabels(notification.alerts.map((alert) => alert.labels)),
    decided_at: notification.decidedAt.toISOString(),
    alerts: notification.alerts.map(({ key: _key, ...alert }) => alert),
  });
}

/** The signature header's value for `body` sent at `unixSeconds`. */
export async function signature(secret: string, unixSeconds: number, body: string): Promise<string> {
  const mac = await hmacSha256(secret, `${unixSeconds}.${body}`);
  return `t=${unixSeconds},v1=${hexOf(mac)}`;
}
