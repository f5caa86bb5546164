import { z } from "@hono/zod-openapi";

/** A required JSON request body. */
export const jsonBody = <T extends z.ZodType>(schema: T, description?: string) => ({
  required: true,
  description,
  content: { "application/json": { schema } },
});

/** A JSON response. */
export const jsonResponse = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});

const HtmlSchema = z.string().openapi("HtmlPage", { example: "<!doctype html>…" });

/** An HTML page. */
export const htmlResponse = (description: string) => ({
  description,
  content: { "text/html": { schema: HtmlSchema } },
});

/** Any of the three ways to authenticate (see the securitySchemes in the document). */
export const AUTHENTICATED: Record<string, string[]>[] = [
  { bearerAuth: [] },
  { apiKeyAuth: [] },
  { cookieAuth: [] },
];

/** Routes only a signed-in person can call (no API keys). */
export const SIGNED_IN: Record<string, string[]>[] = [{ bearerAuth: [] }, { cookieAuth: [] }];
