import "server-only";
import { and, asc, count, eq, gte, ilike, isNull, max, or, sql } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { signInAttempts, users, type NewUser, type User } from "@/lib/db/schema";

export async function getUserById({ id }: { id: string }): Promise<User | null> {
  const [row] = await db.select().from(users).where(eq(users.id, id)).limit(1);
  return row ?? null;
}

export async function getUserByEmail({ email }: { email: string }): Promise<User | null> {
  const [row] = await db
    .select()
    .from(users)
    .where(sql`lower(${users.email}) = lower(${email})`)
    .limit(1);
  return row ?? null;
}

export async function listUsers({ q }: { q?: string } = {}): Promise<User[]> {
  const where = q ? or(ilike(users.email, `%${q}%`), ilike(users.name, `%${q}%`)) : undefined;
  return db.select().from(users).where(where).orderBy(asc(users.role), asc(users.email)).limit(500);
}

export async function createUser(input: Pick<NewUser, "email" | "name" | "role" | "passwordHash">): Promise<User> {
  const [row] = await db.insert(users).values(input).returning();
  if (!row) throw new Error("insert returned no row");
  return row;
}

export async function updateUser({
  id,
  ...changes
}: { id: string } & Partial<Pick<User, "role" | "passwordHash" | "disabledAt" | "name">>): Promise<User | null> {
  const [row] = await db
    .update(users)
    .set({ ...changes, updatedAt: new Date() })
    .where(eq(users.id, id))
    .returning();
  return row ?? null;
}

export async function countActiveAdmins(): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(users)
    .where(and(eq(users.role, "admin"), isNull(users.disabledAt)));
  return row?.n ?? 0;
}

export async function countUsers(): Promise<number> {
  const [row] = await db.select({ n: count() }).from(users);
  return row?.n ?? 0;
}

export async function recordSignInAttempt(input: { email: string; ip: string; succeeded: boolean }) {
  await db.insert(signInAttempts).values(input);
}

/** Failures since the last success (per account) or in the window (per IP). */
export async function getRecentSignInFailures({ email, ip, since }: { email: string; ip: string; since: Date }) {
  const lastSuccess = db
    .select({ at: max(signInAttempts.at) })
    .from(signInAttempts)
    .where(and(sql`lower(${signInAttempts.email}) = lower(${email})`, eq(signInAttempts.succeeded, true)));
  const [account] = await db
    .select({ n: count(), last: max(signInAttempts.at) })
    .from(signInAttempts)
    .where(
      and(
        sql`lower(${signInAttempts.email}) = lower(${email})`,
        eq(signInAttempts.succeeded, false),
        gte(signInAttempts.at, since),
        sql`${signInAttempts.at} > coalesce((${lastSuccess}), '-infinity'::timestamptz)`,
      ),
    );
  const [byIp] = await db
    .select({ n: count(), last: max(signInAttempts.at) })
    .from(signInAttempts)
    .where(and(eq(signInAttempts.ip, ip), eq(signInAttempts.succeeded, false), gte(signInAttempts.at, since)));
  return {
    accountFailures: account?.n ?? 0,
    lastAccountFailure: account?.last ? new Date(account.last) : null,
    ipFailures: byIp?.n ?? 0,
    lastIpFailure: byIp?.last ? new Date(byIp.last) : null,
  };
}

export type UserSummary = Pick<User, "id" | "email" | "name" | "role">;
