import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { describe, expect, it } from "vitest";

// Types and code flow one way: durable-objects/ import from workers/, domain folders of workers/ import
// each other without cycles, and the shared infrastructure imports no domain. Read from the import and
// export-from statements of every .ts file, so a regression fails here rather than in review.

const ROOT = join(import.meta.dirname, "../..");

/** Infrastructure every domain may import; it imports no domain folder (exceptions below). */
const SHARED = new Set(["http", "lib", "db", "config", "queue", "access", "observability"]);

/** Files in workers/ that may import from durable-objects/, and whether only `import type` is allowed. */
const DURABLE_OBJECT_IMPORTERS: Record<string, { typeOnly: boolean; reason: string }> = {
  "workers/index.ts": { typeOnly: false, reason: "the entry re-exports the classes for the runtime" },
  "workers/config/env.ts": { typeOnly: true, reason: "the Env bindings name each namespace's class" },
};

/** Files that tie every domain together; their imports are left out of the folder graph. */
const WIRING: Record<string, string> = {
  "workers/app.ts": "mounts every domain's routes on the app",
  "workers/index.ts": "the Worker's entry: fetch, queue and scheduled handlers",
  "workers/db/tables.ts":
    "the one drizzle schema (drizzle-kit and the client) re-exports every domain's tables",
  "workers/jobs/registry.ts": "the registry lists every domain's job declarations",
};

type Import = { from: string; to: string; typeOnly: boolean };

function tsFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

// `import … from "x"`, `import type … from "x"`, `export … from "x"` (across lines), `import "x"`, `import("x")`.
const STATEMENT =
  /^\s*(import|export)(\s+type)?\b[^;]*?\bfrom\s*["']([^"']+)["']|^\s*import\s*["']([^"']+)["']/gm;
const DYNAMIC = /\bimport\(\s*["']([^"']+)["']\s*\)/g;

function importsOf(file: string): Import[] {
  const source = readFileSync(join(ROOT, file), "utf8");
  const found = [
    ...[...source.matchAll(STATEMENT)].map((match) => ({
      specifier: match[3] ?? match[4] ?? "",
      typeOnly: match[2] !== undefined,
    })),
    ...[...source.matchAll(DYNAMIC)].map((match) => ({ specifier: match[1] ?? "", typeOnly: false })),
  ];
  return found
    .filter(({ specifier }) => specifier.startsWith("."))
    .map(({ specifier, typeOnly }) => ({
      from: file,
      to: relative(ROOT, normalize(join(ROOT, dirname(file), specifier))),
      typeOnly,
    }));
}

/** The top-level folder of workers/ a file is in ("" for files at its root), or null outside workers/. */
function folderOf(file: string): string | null {
  const [top, folder, ...rest] = file.split("/");
  if (top !== "workers") return null;
  return rest.length > 0 ? (folder ?? "") : "";
}

const isDomain = (folder: string | null): folder is string =>
  folder !== null && folder !== "" && !SHARED.has(folder);

const files = [...tsFiles("workers"), ...tsFiles("durable-objects")];
const imports = files.flatMap(importsOf);

/** Domain folder → the domain folders it imports, with one import as evidence for each. */
function domainGraph(): Map<string, Map<string, Import>> {
  const graph = new Map<string, Map<string, Import>>();
  for (const edge of imports) {
    if (edge.from in WIRING) continue;
    const from = folderOf(edge.from);
    const to = folderOf(edge.to);
    if (!isDomain(from) || !isDomain(to) || from === to) continue;
    const targets = graph.get(from) ?? new Map<string, Import>();
    if (!targets.has(to)) targets.set(to, edge);
    graph.set(from, targets);
  }
  return graph;
}

/** Every cycle found by a depth-first walk, each as its folders and the imports that close it. */
function cycles(graph: Map<string, Map<string, Import>>): string[] {
  const found: string[] = [];
  const done = new Set<string>();
  const walk = (folder: string, path: string[]) => {
    if (path.includes(folder)) {
      const loop = [...path.slice(path.indexOf(folder)), folder];
      const evidence = loop.slice(1).map((to, index) => {
        const edge = graph.get(loop[index] ?? "")?.get(to);
        return `${edge?.from} → ${edge?.to}`;
      });
      found.push(`${loop.join(" → ")} (${evidence.join("; ")})`);
      return;
    }
    if (done.has(folder)) return;
    for (const next of graph.get(folder)?.keys() ?? []) walk(next, [...path, folder]);
    done.add(folder);
  };
  for (const folder of [...graph.keys()].sort()) walk(folder, []);
  return found;
}

describe("import direction", () => {
  it("reads the imports it checks", () => {
    // Guards against a pattern that silently matches nothing.
    expect(imports.length).toBeGreaterThan(300);
    expect(imports).toContainEqual({
      from: "workers/index.ts",
      to: "durable-objects/webchat-session.ts",
      typeOnly: false,
    });
    expect(domainGraph().get("channels")?.has("conversations")).toBe(true);
  });

  it("names only files that exist among its exceptions", () => {
    const exceptions = [...Object.keys(DURABLE_OBJECT_IMPORTERS), ...Object.keys(WIRING)];
    expect(exceptions.filter((file) => !files.includes(file))).toEqual([]);
  });

  it("lets nothing in workers/ import durable-objects/ but the entry and the Env types", () => {
    const refused = imports
      .filter((edge) => edge.from.startsWith("workers/") && edge.to.startsWith("durable-objects/"))
      .filter((edge) => {
        const allowed = DURABLE_OBJECT_IMPORTERS[edge.from];
        return !allowed || (allowed.typeOnly && !edge.typeOnly);
      })
      .map((edge) => `${edge.from} → ${edge.to}${edge.typeOnly ? " (type)" : ""}`);
    expect(refused).toEqual([]);
  });

  it("keeps the shared infrastructure (http, lib, db, config, queue, access, observability) free of imports from domains", () => {
    const refused = imports
      .filter((edge) => !(edge.from in WIRING))
      .filter((edge) => {
        const from = folderOf(edge.from);
        return from !== null && SHARED.has(from) && isDomain(folderOf(edge.to));
      })
      .map((edge) => `${edge.from} → ${edge.to}${edge.typeOnly ? " (type)" : ""}`);
    expect(refused).toEqual([]);
  });

  it("has no cycle between the domain folders of workers/", () => {
    expect(cycles(domainGraph())).toEqual([]);
  });
});
