// Every table the app reads or writes, for drizzle's typed queries and drizzle-kit's migrations.
export * from "../assistants/schema.ts";
export * from "../audits/schema.ts";
export * from "../channels/numbers/schema.ts";
export * from "../conversations/schema.ts";
export * from "../identity/schema.ts";
export * from "../jobs/schema.ts";
export * from "../projects/schema.ts";
export * from "../webchat/schema.ts";
