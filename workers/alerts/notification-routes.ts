import { areaAccess } from "../access/authorize.ts";
import { columnsOf } from "../http/api-schemas.ts";
import { validationProblem } from "../http/problem.ts";
import { RouteGroup } from "../http/route-kit.ts";
import { randomToken } from "../lib/crypto.ts";
import { checkTargetUrl } from "../lib/target-url.ts";
import {
  AlertChannelCreateSchema,
  AlertChannelSchema,
  AlertChannelUpdateSchema,
  AlertSilenceCreateSchema,
  AlertSilenceSchema,
  CreatedAlertChannelSchema,
  renderChannel,
  renderSilence,
} from "./api-schemas.ts";
import {
  createChannel,
  createSilence,
  deleteChannel,
  deleteSilence,
  expireSilence,
  findChannel,
  findSilence,
  listChannels,
  listSilences,
  updateChannel,
} from "./channels.ts";
import { SIGNATURE_HEADER } from "./notification-body.ts";

const routes = new RouteGroup("Alerts", { module: "telemetry" });

/** A channel's URL must be one Borde may send to: no private addresses outside development. */
function assertSendable(url: string | undefined, allowPrivate: boolean): void {
  if (url === undefined) return;
  const check = checkTargetUrl(url, allowPrivate);
  if (!check.ok) throw validationProblem([{ path: "body.url", message: `url ${check.reason}` }]);
}

const channel = routes.resource("alert channel", {
  path: "/api/v1/alerts/channels",
  schema: AlertChannelSchema,
  render: renderChannel,
  access: areaAccess("alerts"),
});

channel.list({ summary: "The tenant's alert channels" }, listChannels);

channel.create(
  {
    summary: "Create an alert channel: where matching alerts are sent, grouped, signed",
    description: `Each notification is a POST signed with HMAC-SHA256 under the channel's secret: the header \`${SIGNATURE_HEADER}: t=<unix seconds>,v1=<hex>\` carries the send time and the hex HMAC of \`<t>.<raw body>\`. A receiver recomputes it, compares in constant time and refuses old timestamps. The secret is in this response only.`,
    body: AlertChannelCreateSchema,
    check: (c, body) => assertSendable(body.url, c.get("config").webhookAllowPrivateTargets),
    responseDescription: "The channel, with its secret",
    answer: {
      schema: CreatedAlertChannelSchema,
      render: (row) => ({ ...renderChannel(row), secret: row.secret }),
    },
  },
  (db, tenantId, body) =>
    createChannel(db, tenantId, { ...columnsOf(body), secret: body.secret ?? randomToken() }),
);

channel.get({ summary: "One alert channel" }, findChannel);

channel.update(
  {
    summary: "Change an alert channel (its secret stays)",
    body: AlertChannelUpdateSchema,
    check: (c, body) => assertSendable(body.url, c.get("config").webhookAllowPrivateTargets),
  },
  (db, tenantId, id, body) => updateChannel(db, tenantId, id, columnsOf(body)),
);

channel.delete({ summary: "Delete an alert channel" }, deleteChannel);

const silence = routes.resource("silence", {
  path: "/api/v1/alerts/silences",
  schema: AlertSilenceSchema,
  render: renderSilence,
  access: areaAccess("alerts"),
  operationName: "alert silence",
});

silence.list({ summary: "The tenant's silences" }, listSilences);

silence.create(
  {
    summary: "Silence the alerts matching every matcher from starts_at to ends_at",
    description:
      "A silenced alert still changes state (and is listed); it is not notified while the silence holds.",
    body: AlertSilenceCreateSchema,
  },
  (db, tenantId, body) =>
    createSilence(db, tenantId, {
      matchers: body.matchers,
      startsAt: new Date(body.starts_at ?? Date.now()),
      endsAt: new Date(body.ends_at),
      comment: body.comment,
    }),
);

silence.get({ summary: "One silence" }, findSilence);

silence.action(
  "expire",
  {
    summary: "End a silence now; its alerts are notified again from the next evaluation",
    responseDescription: "The expired silence",
  },
  (db, tenantId, id) => expireSilence(db, tenantId, id, new Date()),
);

silence.delete({ summary: "Delete a silence" }, deleteSilence);

export const registerAlertNotificationRoutes = routes.register;
