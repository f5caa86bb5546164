import { describe, expect, it } from "vitest";
import { hashPassword, needsRehash, verifyPassword } from "../../workers/identity/password.ts";

describe("password hashes", () => {
  it("verify the password they were made from, and no other", async () => {
    const stored = await hashPassword("correct horse battery");
    expect(await verifyPassword("correct horse battery", stored)).toBe(true);
    expect(await verifyPassword("correct horse batterz", stored)).toBe(false);
  });

  it("refuse the password with NUL characters appended (HMAC pads short keys with zeros)", async () => {
    const stored = await hashPassword("correct horse battery");
    expect(await verifyPassword("correct horse battery\u0000", stored)).toBe(false);
    expect(await verifyPassword("correct horse battery\u0000\u0000\u0000", stored)).toBe(false);
  });

  it("still verify hashes of the first scheme, and mark them for replacement", async () => {
    const salt = crypto.getRandomValues(new Uint8Array(16));
    const key = await crypto.subtle.importKey(
      "raw",
      new TextEncoder().encode("old password 1"),
      "PBKDF2",
      false,
      ["deriveBits"],
    );
    const bits = await crypto.subtle.deriveBits(
      { name: "PBKDF2", hash: "SHA-256", salt, iterations: 1000 },
      key,
      256,
    );
    const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64url");
    const stored = `pbkdf2_sha256$1000$${b64(salt)}$${b64(new Uint8Array(bits))}`;
    expect(await verifyPassword("old password 1", stored)).toBe(true);
    expect(needsRehash(stored)).toBe(true);
    expect(needsRehash(await hashPassword("new password 1"))).toBe(false);
  });
});
