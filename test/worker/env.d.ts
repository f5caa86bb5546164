import type { Env as BordeEnv } from "../../workers/config/env.ts";

// `env` from cloudflare:test has the Worker's bindings.
declare global {
  namespace Cloudflare {
    interface Env extends BordeEnv {}
  }
}
