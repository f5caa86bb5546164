import { beforeAll, describe, expect, it } from "vitest";
import { addMember, callAs, createApiKey, registerTenant, type TestAccount } from "../support/identity.ts";
import { newPhoneNumber } from "./support.ts";

let owner: TestAccount;
let other: TestAccount;
beforeAll(async () => {
  [owner, other] = await Promise.all([registerTenant(), registerTenant()]);
});

async function createNumber(account: TestAccount, body: Record<string, unknown> = {}) {
  const response = await callAs(account, "POST", "/api/v1/channels/numbers", {
    channel: "whatsapp",
    phone_number: newPhoneNumber(),
    ...body,
  });
  expect(response.status).toBe(201);
  return (await response.json()) as { id: string; phone_number: string; assistant_id: string | null };
}

describe("channel numbers", () => {
  it("creates, reads, lists, changes and deletes a number", async () => {
    const phone = newPhoneNumber();
    const created = await callAs(owner, "POST", "/api/v1/channels/numbers", {
      channel: "voice",
      phone_number: phone,
    });
    expect(created.status).toBe(201);
    const number = (await created.json()) as { id: string };
    expect(created.headers.get("location")).toBe(`/api/v1/channels/numbers/${number.id}`);
    expect(number).toMatchObject({
      channel: "voice",
      phone_number: phone,
      assistant_id: null,
      enabled: true,
    });

    const list = (await (await callAs(owner, "GET", "/api/v1/channels/numbers")).json()) as {
      data: { id: string }[];
    };
    expect(list.data.map((row) => row.id)).toContain(number.id);

    const patched = await callAs(owner, "PATCH", `/api/v1/channels/numbers/${number.id}`, { enabled: false });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ enabled: false, phone_number: phone });

    expect((await callAs(owner, "DELETE", `/api/v1/channels/numbers/${number.id}`)).status).toBe(204);
    expect((await callAs(owner, "GET", `/api/v1/channels/numbers/${number.id}`)).status).toBe(404);
  });

  it("refuses a number that is not E.164, naming the field", async () => {
    const response = await callAs(owner, "POST", "/api/v1/channels/numbers", {
      channel: "whatsapp",
      phone_number: "0612345678",
    });
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toContain("application/problem+json");
    const problem = (await response.json()) as { errors: { path: string }[] };
    expect(problem.errors.map((error) => error.path)).toEqual(["body.phone_number"]);
  });

  it("routes a number to one tenant per channel: a second claim is a conflict, even from another tenant", async () => {
    const number = await createNumber(owner);
    const again = await callAs(other, "POST", "/api/v1/channels/numbers", {
      channel: "whatsapp",
      phone_number: number.phone_number,
    });
    expect(again.status).toBe(409);
    const voice = await callAs(other, "POST", "/api/v1/channels/numbers", {
      channel: "voice",
      phone_number: number.phone_number,
    });
    expect(voice.status).toBe(201);
    const mine = await createNumber(owner);
    const moved = await callAs(owner, "PATCH", `/api/v1/channels/numbers/${mine.id}`, {
      phone_number: number.phone_number,
    });
    expect(moved.status).toBe(409);
  });

  it("accepts only the tenant's own assistant", async () => {
    const assistant = await callAs(other, "POST", "/api/v1/assistants", {
      name: "Theirs",
      model: "gpt-4o-mini",
      instructions: "Be brief.",
    });
    const { id } = (await assistant.json()) as { id: string };
    const response = await callAs(owner, "POST", "/api/v1/channels/numbers", {
      channel: "whatsapp",
      phone_number: newPhoneNumber(),
      assistant_id: id,
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { errors: { path: string }[] }).errors[0]?.path).toBe(
      "body.assistant_id",
    );
    expect((await createNumber(other, { assistant_id: id })).assistant_id).toBe(id);
  });

  it("lets viewers read but only admins write; API keys need the channels scopes", async () => {
    const number = await createNumber(owner);
    const viewer = await addMember(owner, "viewer");
    expect((await callAs(viewer, "GET", `/api/v1/channels/numbers/${number.id}`)).status).toBe(200);
    expect(
      (
        await callAs(viewer, "POST", "/api/v1/channels/numbers", {
          channel: "voice",
          phone_number: newPhoneNumber(),
        })
      ).status,
    ).toBe(403);
    const admin = await addMember(owner, "admin");
    expect(
      (await callAs(admin, "PATCH", `/api/v1/channels/numbers/${number.id}`, { enabled: true })).status,
    ).toBe(200);
    const reader = { apiKey: (await createApiKey(owner, ["channels:read"])).key };
    expect((await callAs(reader, "GET", "/api/v1/channels/numbers")).status).toBe(200);
    expect((await callAs(reader, "DELETE", `/api/v1/channels/numbers/${number.id}`)).status).toBe(403);
    const writer = { apiKey: (await createApiKey(owner, ["channels:write"])).key };
    expect((await callAs(writer, "DELETE", `/api/v1/channels/numbers/${number.id}`)).status).toBe(204);
  });

  it("keeps each tenant's numbers to itself: another tenant gets 404 on read, change and delete", async () => {
    const number = await createNumber(owner);
    const path = `/api/v1/channels/numbers/${number.id}`;
    expect((await callAs(other, "GET", path)).status).toBe(404);
    expect((await callAs(other, "PATCH", path, { enabled: false })).status).toBe(404);
    expect((await callAs(other, "DELETE", path)).status).toBe(404);
    const list = (await (await callAs(other, "GET", "/api/v1/channels/numbers?limit=100")).json()) as {
      data: { id: string }[];
    };
    expect(list.data.map((row) => row.id)).not.toContain(number.id);
    const still = (await (await callAs(owner, "GET", path)).json()) as { enabled: boolean };
    expect(still.enabled).toBe(true);
  });
});
