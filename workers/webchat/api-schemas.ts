import { z } from "@hono/zod-openapi";
import { changesOf, fieldsOf, timestampFields } from "../http/api-schemas.ts";
import type { WidgetKey } from "./widget-keys.ts";
import { WIDGET_KEY_PATTERN } from "./widget-keys.ts";

export const WidgetKeyQuerySchema = z.object({
  key: z
    .string()
    .regex(WIDGET_KEY_PATTERN, "must be a widget key (wk_…)")
    .openapi({ description: "The tenant's publishable widget key.", example: "wk_0123456789abcdefghijklmn" }),
});

export const VisitorTokenHeaderSchema = z.object({
  "x-visitor-token": z.string().min(1).max(2000).openapi({ description: "The token from the session." }),
});

export const VisitorSessionCreateSchema = z
  .object({
    visitor_token: z
      .string()
      .max(2000)
      .optional()
      .openapi({ description: "A token from an earlier session, to resume its conversation." }),
  })
  .openapi("VisitorSessionCreate");

export const VisitorSessionSchema = z
  .object({
    conversation_id: z.uuid(),
    visitor_token: z.string().openapi({ description: "Keep it, and send it to resume this conversation." }),
  })
  .openapi("VisitorSession");

const OriginSchema = z
  .url()
  // The refinement also runs when z.url() has already refused the value, so it must not assume a URL.
  .refine(
    (value) => URL.canParse(value) && new URL(value).origin === value,
    "must be an origin such as https://www.example.com",
  )
  .openapi({ example: "https://www.example.com" });

const WidgetKeyFieldsSchema = z.object({
  name: z.string().trim().min(1).max(120),
  allowed_origins: z.array(OriginSchema).min(1).max(50),
});

export const WidgetKeyCreateSchema = WidgetKeyFieldsSchema.openapi("WidgetKeyCreate");

export const WidgetKeyUpdateSchema = changesOf(WidgetKeyFieldsSchema).openapi("WidgetKeyUpdate");

export const WidgetKeySchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    key: z.string().openapi({ description: "Publishable: it goes in the page, in `<borde-chat key>`." }),
    allowed_origins: z.array(z.string()),
    ...timestampFields,
  })
  .openapi("WidgetKey");

export const renderWidgetKey = (widgetKey: WidgetKey) =>
  fieldsOf(widgetKey, "id", "name", "key", "allowedOrigins", "createdAt", "updatedAt");
