import { is } from "drizzle-orm";
import { getTableConfig, PgTable } from "drizzle-orm/pg-core";
import { describe, expect, it } from "vitest";
import {
  BACKED_UP_TABLES,
  inDependencyOrder,
  NOT_BACKED_UP,
} from "../../../workers/backups/tenant-tables.ts";
import * as schema from "../../../workers/db/tables.ts";

const tenantTables = Object.values(schema)
  .filter((table) => is(table, PgTable))
  .map((table) => getTableConfig(table))
  .filter((config) => config.columns.some((column) => column.name === "tenant_id"));

describe("the tables a backup holds", () => {
  it("are every table with a tenant_id column but those left out, each with its reason", () => {
    const backedUp = BACKED_UP_TABLES.map((table) => table.name).sort();
    const expected = tenantTables.map((config) => config.name).filter((name) => !(name in NOT_BACKED_UP));
    expect(backedUp).toEqual(expected.sort());
    expect(backedUp).toEqual(
      expect.arrayContaining(["products", "metric_points", "projects", "import_rows"]),
    );
  });

  it("leaves out only tables that exist", () => {
    const names = tenantTables.map((config) => config.name);
    expect(Object.keys(NOT_BACKED_UP).filter((name) => !names.includes(name))).toEqual([]);
  });

  it("come after every backed-up table they reference", () => {
    const position = new Map(BACKED_UP_TABLES.map((table, index) => [table.name, index]));
    for (const config of tenantTables.filter((each) => position.has(each.name)))
      for (const key of config.foreignKeys) {
        const referenced = getTableConfig(key.reference().foreignTable).name;
        if (position.has(referenced) && referenced !== config.name)
          expect(position.get(referenced), `${config.name} → ${referenced}`).toBeLessThan(
            position.get(config.name) ?? -1,
          );
      }
  });
});

describe("inDependencyOrder", () => {
  it("puts parents first and breaks ties by name", () => {
    const ordered = inDependencyOrder([
      { name: "c", references: ["b"] },
      { name: "b", references: ["a", "outside"] },
      { name: "a", references: [] },
      { name: "d", references: [] },
    ]);
    expect(ordered.map((table) => table.name)).toEqual(["a", "b", "c", "d"]);
  });

  it("refuses a cycle of foreign keys", () => {
    expect(() =>
      inDependencyOrder([
        { name: "a", references: ["b"] },
        { name: "b", references: ["a"] },
      ]),
    ).toThrow(/cycle/);
  });
});
