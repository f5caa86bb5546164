// Copies Swagger UI's browser files from node_modules into the Worker's static assets, so /docs needs no CDN.
import { copyFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

export function buildDocsAssets(): void {
  const require = createRequire(import.meta.url);
  const source = dirname(require.resolve("swagger-ui-dist/package.json"));
  const target = join(import.meta.dirname, "..", "..", "public", "docs", "vendor");
  mkdirSync(target, { recursive: true });
  for (const file of ["swagger-ui-bundle.js", "swagger-ui.css"])
    copyFileSync(join(source, file), join(target, file));
}
