import journal from "../../migrations/meta/_journal.json";

/**
 * The schema a backup's rows fit: the tag of the latest migration (drizzle-kit's journal, bundled). A
 * restore takes only a backup of the same version, since rows of another schema would not fit the tables.
 */
export const SCHEMA_VERSION: string = journal.entries[journal.entries.length - 1]?.tag ?? "none";
