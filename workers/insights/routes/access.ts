// Everyone in the tenant may read insights; analysts and above ingest posts and spend model budget.
export const READ = { role: "viewer", scope: "insights:read" } as const;
export const WRITE = { role: "analyst", scope: "insights:write" } as const;
