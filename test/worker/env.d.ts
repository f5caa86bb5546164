import type { Env as BordeEnv } from "../../workers/config/env.ts";

// `env` from cloudflare:test has the Worker's bindings.
declare global {
  namespace Cloudflare {
    interface Env extends BordeEnv {
      /** Cases per operation of the generated bad-input test. */
      BAD_INPUT_RUNS?: string;
    }
  }
}

// What test/support/global-setup.ts provides to tests (it declares the full list for the node side).
declare module "vitest" {
  export interface ProvidedContext {
    openaiBaseUrl: string;
    defectiveSiteUrl: string;
    cleanSiteUrl: string;
    silentDatabasePort: number;
    otlpEndpoint: string;
    webhookReceiverUrl: string;
  }
}
