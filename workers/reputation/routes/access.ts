// Anyone in the tenant may read the reputation dashboards and look ranks up (the daily cap bounds the calls).
export const READ = { role: "viewer", scope: "reputation:read" } as const;
