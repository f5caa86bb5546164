// Starts what the Worker under test talks to: the database (embedded PGlite, or the PostgreSQL server
// named by TEST_DATABASE_URL) migrated to the current schema, the WebSocket relay in front of it, and a
// local servers that speak OpenAI's protocol (chat completions over HTTP, Realtime over WebSocket) and
// Twilio's Messages API, and the websites audit tests crawl.
import type { TestProject } from "vitest/node";
import { type EmbeddedPostgres, startEmbeddedPostgres } from "../../scripts/lib/embedded-postgres.ts";
import { migrateDatabase } from "../../scripts/lib/migrate.ts";
import { newSigningKey } from "../../scripts/lib/signing-keys.ts";
import { startRelay } from "../../scripts/lib/ws-relay.ts";
import { startFakeOpenAI } from "./fake-openai.ts";
import { startFakeOtlp } from "./fake-otlp.ts";
import { startFakeRealtime } from "./fake-realtime.ts";
import { startFakeSerpApi } from "./fake-serpapi.ts";
import { startFakeTwilio } from "./fake-twilio.ts";
import { startFakeWebhookReceiver } from "./fake-webhook-receiver.ts";
import { startCleanSite, startDefectiveSite } from "./fixture-site.ts";
import { insightsAnswer } from "./insights-answers.ts";
import { startSilentDatabase } from "./silent-database.ts";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    dbRelay: string;
    /** The port of a database that accepts connections and never answers. */
    silentDatabasePort: number;
    jwtSigningKeys: string;
    openaiBaseUrl: string;
    defectiveSiteUrl: string;
    cleanSiteUrl: string;
    realtimeUrl: string;
    twilioBaseUrl: string;
    serpapiBaseUrl: string;
    otlpEndpoint: string;
    webhookReceiverUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const external = process.env.TEST_DATABASE_URL;
  const embedded: EmbeddedPostgres | undefined = external ? undefined : await startEmbeddedPostgres();
  const databaseUrl = external ?? (embedded as EmbeddedPostgres).url;
  await migrateDatabase(databaseUrl);
  const relay = await startRelay();
  const openai = await startFakeOpenAI(0, { answer: insightsAnswer });
  const [defectiveSite, cleanSite] = await Promise.all([startDefectiveSite(), startCleanSite()]);
  project.provide("defectiveSiteUrl", defectiveSite.url);
  project.provide("cleanSiteUrl", cleanSite.url);
  const realtime = await startFakeRealtime();
  const twilio = await startFakeTwilio();
  const serpapi = await startFakeSerpApi();
  const otlp = await startFakeOtlp();
  const webhookReceiver = await startFakeWebhookReceiver();
  project.provide("webhookReceiverUrl", webhookReceiver.baseUrl);
  project.provide("databaseUrl", databaseUrl);
  project.provide("dbRelay", relay.address);
  const silentDatabase = await startSilentDatabase();
  project.provide("silentDatabasePort", silentDatabase.port);
  project.provide("openaiBaseUrl", openai.baseUrl);
  project.provide("realtimeUrl", realtime.url);
  project.provide("twilioBaseUrl", twilio.baseUrl);
  project.provide("serpapiBaseUrl", serpapi.baseUrl);
  project.provide("otlpEndpoint", otlp.endpoint);
  project.provide("jwtSigningKeys", JSON.stringify([await newSigningKey(), await newSigningKey()]));
  console.log(`test database: ${external ? "PostgreSQL server from TEST_DATABASE_URL" : "embedded PGlite"}`);
  return async () => {
    await openai.close();
    await defectiveSite.close();
    await cleanSite.close();
    await realtime.close();
    await twilio.close();
    await serpapi.close();
    await otlp.close();
    await webhookReceiver.close();
    await silentDatabase.close();
    await relay.close();
    await embedded?.stop();
  };
}
