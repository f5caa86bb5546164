// Every table the app reads or writes, for drizzle's typed queries and drizzle-kit's migrations.

export * from "../alerts/tables.ts";
export * from "../assistants/tables.ts";
export * from "../audits/tables.ts";
export * from "../backups/tables.ts";
export * from "../catalog/tables.ts";
export * from "../channels/numbers/tables.ts";
export * from "../conversations/tables.ts";
export * from "../http/tables.ts";
export * from "../identity/tables.ts";
export * from "../imports/tables.ts";
export * from "../insights/tables.ts";
export * from "../jobs/tables.ts";
export * from "../modules/tables.ts";
export * from "../projects/tables.ts";
export * from "../reports/tables.ts";
export * from "../reputation/tables.ts";
export * from "../telemetry/tables.ts";
export * from "../webchat/tables.ts";
