// The one Node API the Worker uses beyond the Neon driver's shims (nodejs_compat provides it in workerd);
// declared here because the Worker's types are Cloudflare's, without @types/node.
declare module "node:async_hooks" {
  export class AsyncLocalStorage<Store> {
    getStore(): Store | undefined;
    run<Result>(store: Store, callback: () => Result): Result;
  }
}
