import { buildDocsAssets } from "./lib/docs-assets.ts";

buildDocsAssets();
