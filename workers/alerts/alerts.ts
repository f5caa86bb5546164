import { eq, inArray } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { listTenantRows, type Page, tenantPage } from "../http/pagination.ts";
import { alertRules, alerts, alertTransitions, type StoredAlertState } from "./tables.ts";

export type AlertRow = typeof alerts.$inferSelect;
export type AlertTransition = typeof alertTransitions.$inferSelect;

/** What `GET /alerts` lists when no state is asked for: Prometheus's active alerts. */
export const ACTIVE_STATES: StoredAlertState[] = ["pending", "firing"];

export type AlertFilters = { states: StoredAlertState[]; ruleId: string | undefined };

/** A page of the tenant's alerts in the given states, of its enabled rules (a disabled rule is not evaluated). */
export async function listAlerts(
  db: Database,
  tenantId: string,
  filters: AlertFilters,
  page: Page,
): Promise<AlertRow[]> {
  const rows = await tenantPage(
    db
      .select({ alert: alerts })
      .from(alerts)
      .innerJoin(alertRules, eq(alertRules.id, alerts.ruleId))
      .$dynamic(),
    alerts,
    tenantId,
    page,
    eq(alertRules.enabled, true),
    inArray(alerts.state, filters.states),
    filters.ruleId ? eq(alerts.ruleId, filters.ruleId) : undefined,
  );
  return rows.map((row) => row.alert);
}

export type HistoryFilters = { state: StoredAlertState | undefined; ruleId: string | undefined };

/** A page of the tenant's alert transitions, oldest first, optionally of one rule or into one state. */
export function listTransitions(
  db: Database,
  tenantId: string,
  filters: HistoryFilters,
  page: Page,
): Promise<AlertTransition[]> {
  return listTenantRows(
    db,
    alertTransitions,
    tenantId,
    page,
    filters.state ? eq(alertTransitions.toState, filters.state) : undefined,
    filters.ruleId ? eq(alertTransitions.ruleId, filters.ruleId) : undefined,
  );
}
