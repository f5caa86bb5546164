import type { Config } from "../config/config.ts";
import { getConversation, openConversation } from "../conversations/conversations.ts";
import type { Participant } from "../conversations/participants.ts";
import type { DatabaseSession } from "../db/client.ts";
import { HttpProblem } from "../http/problem.ts";
import { signVisitorToken, verifyVisitorToken } from "./visitor-tokens.ts";
import { findWidgetKey } from "./widget-keys.ts";

export type VisitorSession = Extract<Participant, { role: "visitor" }> & { visitorToken: string };

/**
 * The tenant behind a widget key, when the page using it is on one of the key's origins. Browsers always
 * send Origin on WebSocket upgrades and cross-origin requests, and pages cannot forge it; a missing Origin
 * is refused, since only a browser page has any business with a publishable key.
 */
export async function widgetTenant(database: DatabaseSession, key: string, origin: string | undefined) {
  const widgetKey = await findWidgetKey(database.db, key);
  if (!widgetKey) throw new HttpProblem("invalid-widget-key", "The widget key is unknown or revoked.");
  if (!origin || !widgetKey.allowedOrigins.includes(origin)) {
    throw new HttpProblem("origin-not-allowed", "This widget key may not be used from this origin.");
  }
  return widgetKey.tenantId;
}

/**
 * The visitor's conversation: the one their token names while it is open, otherwise a new contact and
 * conversation with a new token. A token of another tenant is ignored, never honoured.
 */
export async function openVisitorSession(
  config: Config,
  database: DatabaseSession,
  tenantId: string,
  token: string | undefined,
): Promise<VisitorSession> {
  const claims = token ? await verifyVisitorToken(config, token) : null;
  if (token && claims && claims.tid === tenantId) {
    const conversation = await database.tenant(tenantId, (db) => getConversation(db, tenantId, claims.cid), {
      readOnly: true,
    });
    if (conversation?.status === "open") {
      return {
        role: "visitor",
        tenantId,
        conversationId: conversation.id,
        contactId: conversation.contactId,
        visitorToken: token,
      };
    }
  }
  const conversation = await database.tenant(tenantId, (db) => openConversation(db, tenantId, "webchat"));
  const visitorToken = await signVisitorToken(config, {
    sub: conversation.contactId,
    tid: tenantId,
    cid: conversation.id,
  });
  return {
    role: "visitor",
    tenantId,
    conversationId: conversation.id,
    contactId: conversation.contactId,
    visitorToken,
  };
}

/** The visitor a REST call's token names; unlike the upgrade, it never opens a conversation. */
export async function existingVisitor(
  config: Config,
  tenantId: string,
  token: string,
): Promise<Extract<Participant, { role: "visitor" }>> {
  const claims = await verifyVisitorToken(config, token);
  if (!claims || claims.tid !== tenantId) {
    throw new HttpProblem("invalid-visitor-token", "The visitor token is invalid; open a session first.");
  }
  return { role: "visitor", tenantId, conversationId: claims.cid, contactId: claims.sub };
}
