import { z } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { principalOf } from "../access/authorize.ts";
import { sha256Hex } from "../lib/crypto.ts";
import type { AppEnv } from "./app-env.ts";
import { completeKey, type KeyUse, releaseKey, reserveKey } from "./idempotency-keys.ts";
import { HttpProblem, validationProblem } from "./problem.ts";
import { openResponse, sealResponse } from "./sealed-response.ts";

const VALID_KEY = /^[\x21-\x7e]{1,255}$/;
const KEY_RULE = "use 1 to 255 printable ASCII characters, no spaces";

/** The Idempotency-Key request header of every creating POST, as the document states it. */
export const IdempotencyKeyHeaderSchema = z.object({
  "idempotency-key": z.string().regex(VALID_KEY, KEY_RULE).optional().openapi({
    description:
      "Makes the request safe to retry: the same key with the same body within 24 hours returns the first answer (with `Idempotent-Replayed: true`) instead of creating again; the same key with another body is refused with 409 (`idempotency-key-reused`), and so is a retry while the first request still runs (409 `idempotency-key-in-progress`, with `Retry-After`). Keys are per tenant and operation.",
    example: "0193b6c6-8f4e-7c1a-9f1e-5b3f7c2d1a00",
  }),
});
/** Tells a client that this answer is the stored first one, not a new action. */
export const REPLAYED_HEADER = "Idempotent-Replayed";

/**
 * Makes a creating route safe to retry: a request carrying `Idempotency-Key` reserves the key (per tenant
 * and operation), and its successful answer is kept 24 hours; the same key with the same body gets that
 * answer again (with `Idempotent-Replayed: true`), with another body a 409, and while the first request
 * is still running a 409 with `Retry-After`. A request that fails frees its key. Without the header the
 * route runs as usual and pays nothing. Runs after `authorize()`, which names the tenant.
 */
export function idempotency(operation: string): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const key = c.req.header("idempotency-key");
    if (key === undefined) return next();
    if (!VALID_KEY.test(key)) {
      throw validationProblem([{ path: "header.idempotency-key", message: KEY_RULE }]);
    }
    const { tenantId } = principalOf(c);
    const use: KeyUse = { tenantId, operation, key, requestHash: await sha256Hex(await c.req.text()) };
    const scope = `${tenantId}\n${operation}`;
    const database = c.get("database");
    const reservation = await database.tenant(tenantId, (db) => reserveKey(db, use));
    switch (reservation.outcome) {
      case "replay": {
        const stored = await openResponse(scope, key, reservation.sealedResponse);
        const headers = new Headers({ [REPLAYED_HEADER]: "true" });
        if (stored.contentType) headers.set("content-type", stored.contentType);
        if (stored.location) headers.set("location", stored.location);
        return new Response(stored.body, { status: reservation.status, headers });
      }
      case "other_body":
        throw new HttpProblem(
          "idempotency-key-reused",
          "This Idempotency-Key was already used with a different request body; use a new key.",
        );
      case "in_progress":
        throw new HttpProblem(
          "idempotency-key-in-progress",
          "A request with this Idempotency-Key is still in progress.",
          { headers: { "Retry-After": "1" } },
        );
    }
    try {
      await next();
    } catch (error) {
      await database.tenant(tenantId, (db) => releaseKey(db, use));
      throw error;
    }
    const response = c.res;
    if (response.status < 200 || response.status >= 300) {
      await database.tenant(tenantId, (db) => releaseKey(db, use));
      return;
    }
    const sealedResponse = await sealResponse(scope, key, {
      body: await response.clone().text(),
      contentType: response.headers.get("content-type"),
      location: response.headers.get("location"),
    });
    await database.tenant(tenantId, (db) =>
      completeKey(db, use, { status: response.status, sealedResponse }),
    );
  };
}
