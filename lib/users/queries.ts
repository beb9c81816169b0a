import "server-only";
import { and, asc, count, eq, gte, ilike, isNull, max, or, sql } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { escapeLike } from "@/lib/db/like";
import { LOCK_CLASSES } from "@/lib/db/locks";
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

/** The accounts page lists at most this many; a search narrows a larger directory. */
export const USER_LIST_LIMIT = 500;

export async function listUsers({ q }: { q?: string } = {}): Promise<User[]> {
  // LIKE's wildcards in the search text are matched literally.
  const pattern = q ? `%${escapeLike(q)}%` : null;
  const where = pattern ? or(ilike(users.email, pattern), ilike(users.name, pattern)) : undefined;
  return db.select().from(users).where(where).orderBy(asc(users.role), asc(users.email)).limit(USER_LIST_LIMIT);
}

/** An open transaction, handed to callbacks that must write in the same transaction (the audit entry). */
export type UserTx = Parameters<Parameters<typeof db.transaction>[0]>[0];

export async function createUser(
  input: Pick<NewUser, "email" | "name" | "role" | "passwordHash">,
  afterInsert?: (tx: UserTx, user: User) => Promise<void>,
): Promise<User> {
  return db.transaction(async (tx) => {
    const [row] = await tx.insert(users).values(input).returning();
    if (!row) throw new Error("insert returned no row");
    await afterInsert?.(tx, row);
    return row;
  });
}

export async function updateUser(
  {
    id,
    endSessions,
    ...changes
  }: { id: string; /** Sign the account out everywhere (its tokens carry the old session version). */ endSessions?: boolean } & Partial<
    Pick<User, "role" | "passwordHash" | "disabledAt" | "name">
  >,
  afterUpdate?: (tx: UserTx, user: User) => Promise<void>,
): Promise<User | null> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(users)
      .set({ ...changes, ...(endSessions ? { sessionVersion: sql`${users.sessionVersion} + 1` } : {}), updatedAt: new Date() })
      .where(eq(users.id, id))
      .returning();
    if (row) await afterUpdate?.(tx, row);
    return row ?? null;
  });
}

/**
 * Changes an account unless the change would leave no active administrator.
 * Active admins are locked first (FOR UPDATE), so two admins demoting each
 * other at the same moment cannot both succeed.
 */
export async function updateUserKeepingAnAdmin({
  id,
  changes,
  afterUpdate,
}: {
  id: string;
  changes: Partial<Pick<User, "role" | "disabledAt">>;
  afterUpdate?: (tx: UserTx, before: User, after: User) => Promise<void>;
}): Promise<{ ok: true; before: User; after: User } | { ok: false; reason: "not_found" | "last_admin" }> {
  return db.transaction(async (tx) => {
    const admins = await tx
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.role, "admin"), isNull(users.disabledAt)))
      .orderBy(asc(users.id))
      .for("update");
    const [before] = await tx.select().from(users).where(eq(users.id, id)).for("update").limit(1);
    if (!before) return { ok: false, reason: "not_found" } as const;
    const wasActiveAdmin = before.role === "admin" && before.disabledAt === null;
    const next = { ...before, ...changes };
    const staysActiveAdmin = next.role === "admin" && next.disabledAt === null;
    if (wasActiveAdmin && !staysActiveAdmin && admins.length <= 1) return { ok: false, reason: "last_admin" } as const;
    const [after] = await tx
      .update(users)
      .set({ ...changes, updatedAt: new Date() })
      .where(eq(users.id, id))
      .returning();
    if (!after) return { ok: false, reason: "not_found" } as const;
    await afterUpdate?.(tx, before, after);
    return { ok: true, before, after } as const;
  });
}

export async function countActiveAdmins(): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(users)
    .where(and(eq(users.role, "admin"), isNull(users.disabledAt)));
  return row?.n ?? 0;
}

/** Whether any admin account exists, enabled or not (the first start creates one when none does). */
export async function hasAnyAdmin(): Promise<boolean> {
  const [row] = await db.select({ id: users.id }).from(users).where(eq(users.role, "admin")).limit(1);
  return Boolean(row);
}

export async function countUsers(): Promise<number> {
  const [row] = await db.select({ n: count() }).from(users);
  return row?.n ?? 0;
}

/** The failures a sign-in decision is made on. */
export type SignInFailures = {
  accountFailures: number;
  lastAccountFailure: Date | null;
  ipFailures: number;
  lastIpFailure: Date | null;
};

/**
 * Counts a sign-in attempt before its password is checked, in one step with
 * the decision: under locks on the account and the address (held to the end
 * of the transaction), reads the failures, asks `decide`, and when it allows
 * the attempt records it at once as a failure. Parallel attempts therefore
 * take turns and each sees the ones before it: N at once count as N. A
 * successful check turns the attempt into a success (settleSignInAttempt).
 */
export async function claimSignInAttempt<D extends { allowed: boolean }>({
  email,
  ip,
  since,
  decide,
}: {
  email: string;
  ip: string;
  since: Date;
  decide: (failures: SignInFailures) => D;
}): Promise<D & { attemptId: number | null }> {
  return db.transaction(async (tx) => {
    // Always the account first, then the address: two attempts never wait for each other in a circle.
    await tx.execute(sql`select pg_advisory_xact_lock(${LOCK_CLASSES.signInAccount}::int4, hashtext(lower(${email})))`);
    await tx.execute(sql`select pg_advisory_xact_lock(${LOCK_CLASSES.signInAddress}::int4, hashtext(${ip}))`);
    const failures = await countSignInFailures(tx, { email, ip, since });
    const decision = decide(failures);
    if (!decision.allowed) return { ...decision, attemptId: null };
    const [row] = await tx.insert(signInAttempts).values({ email, ip, succeeded: false }).returning({ id: signInAttempts.id });
    return { ...decision, attemptId: row!.id };
  });
}

/** The password was right: the attempt counted as a failure becomes the success that resets the account's count. */
export async function settleSignInAttempt({ attemptId }: { attemptId: number }) {
  await db.update(signInAttempts).set({ succeeded: true }).where(eq(signInAttempts.id, attemptId));
}

/** Failures since the last success (per account) or in the window (per IP). */
async function countSignInFailures(tx: UserTx, { email, ip, since }: { email: string; ip: string; since: Date }): Promise<SignInFailures> {
  const lastSuccess = tx
    .select({ at: max(signInAttempts.at) })
    .from(signInAttempts)
    .where(and(sql`lower(${signInAttempts.email}) = lower(${email})`, eq(signInAttempts.succeeded, true)));
  const [account] = await tx
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
  const [byIp] = await tx
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
