import { describe, expect, it } from "vitest";
import { callAs, registerTenant } from "./support/identity.ts";

/** One route of each module, called by its tenant's owner. */
const ROUTE_OF_MODULE = {
  audits: "/api/v1/audits/queue",
  webchat: "/api/v1/widget-keys",
  channels: "/api/v1/channels/numbers",
  insights: "/api/v1/brands",
  reputation: "/api/v1/reputation/ranks?domain=example.com&kw=borde",
  telemetry: "/api/v1/alerts/rules",
  imports: "/api/v1/imports/batches",
  catalog: "/api/v1/products",
  backups: "/api/v1/backups",
} as const;

describe("tenant modules", () => {
  for (const [module, path] of Object.entries(ROUTE_OF_MODULE)) {
    it(`answers the ${module} module's routes with 403 module-disabled while it is off, and again once on`, async () => {
      const owner = await registerTenant();
      const other = await registerTenant();
      expect((await callAs(owner, "PUT", `/api/v1/modules/${module}`, { enabled: false })).status).toBe(200);
      const off = await callAs(owner, "GET", path);
      expect(off.status).toBe(403);
      expect((await off.json<{ type: string }>()).type).toMatch(/\/problems\/module-disabled$/);
      // Another tenant's switch is its own.
      expect((await callAs(other, "GET", path)).status).toBe(200);
      await callAs(owner, "PUT", `/api/v1/modules/${module}`, { enabled: true });
      expect((await callAs(owner, "GET", path)).status).toBe(200);
    });
  }
});
