import { eq, sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { users } from "./tables.ts";

export type User = typeof users.$inferSelect;

export async function findUserByEmail(db: Database, email: string): Promise<User | undefined> {
  const [user] = await db.select().from(users).where(sql`lower(${users.email}) = lower(${email})`).limit(1);
  return user;
}

export async function findUserById(db: Database, id: string): Promise<User | undefined> {
  const [user] = await db.select().from(users).where(eq(users.id, id)).limit(1);
  return user;
}

export async function createUser(
  db: Database,
  values: { email: string; name: string; passwordHash: string },
) {
  const [user] = await db.insert(users).values(values).returning();
  if (!user) throw new Error("insert returned no user");
  return user;
}

export async function setPasswordHash(db: Database, userId: string, passwordHash: string): Promise<void> {
  await db.update(users).set({ passwordHash }).where(eq(users.id, userId));
}
