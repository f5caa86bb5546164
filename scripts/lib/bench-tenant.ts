// What the bench scenarios and the fault drill share: reading a JSON answer that must be a success, and a
// fresh tenant of their own registered through the API.

/** The body of a 2xx answer; anything else throws with the status and the body. */
export async function okJson<T>(response: Response): Promise<T> {
  if (!response.ok) throw new Error(`${response.url}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** Registers a new tenant and its owner, named after `label`, and returns the owner's access token. */
export async function registerBenchTenant(workerUrl: string, label: string): Promise<string> {
  const id = crypto.randomUUID().slice(0, 8);
  const session = await okJson<{ access_token: string }>(
    await fetch(`${workerUrl}/api/v1/auth/register`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        email: `${label}-${id}@example.com`,
        password: `bench-password-${id}`,
        name: "Bench",
        tenant_name: `Bench ${label} ${id}`,
        tenant_slug: `${label}-${id}`,
      }),
    }),
  );
  return session.access_token;
}
