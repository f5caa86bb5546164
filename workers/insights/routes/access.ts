import { areaAccess } from "../../access/authorize.ts";
// Everyone in the tenant may read insights; analysts and above ingest posts and spend model budget.
export const { read: READ, write: WRITE } = areaAccess("insights");
