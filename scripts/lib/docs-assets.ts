// Copies Swagger UI's and ReDoc's browser files from node_modules into the Worker's static assets, so /docs
// and /redoc need no CDN.
import { copyFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

export function buildDocsAssets(): void {
  const require = createRequire(import.meta.url);
  const swaggerUi = dirname(require.resolve("swagger-ui-dist/package.json"));
  const redoc = dirname(require.resolve("redoc/package.json"));
  const target = join(import.meta.dirname, "..", "..", "public", "docs", "vendor");
  mkdirSync(target, { recursive: true });
  for (const file of ["swagger-ui-bundle.js", "swagger-ui.css"])
    copyFileSync(join(swaggerUi, file), join(target, file));
  copyFileSync(join(redoc, "bundles", "redoc.standalone.js"), join(target, "redoc.standalone.js"));
}
