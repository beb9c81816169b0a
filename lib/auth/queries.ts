import "server-only";
import { and, eq, isNull, sql } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { signIns, users, type User } from "@/lib/db/schema";
import { getParameter } from "@/lib/settings/queries";
import { SIGN_IN_TOUCH_SECONDS } from "./account";

/** SQL of the sign-ins (lib/db/schema.ts signIns): created at sign-in, ended at sign-out, moved by use. */

export async function createSignIn({ userId, ip }: { userId: string; ip: string | null }): Promise<string> {
  const [row] = await db.insert(signIns).values({ userId, ip }).returning({ id: signIns.id });
  return row!.id;
}

/** Ends a sign-in (its cookie is refused from now on); false when it had ended already or is not this user's. */
export async function endSignIn({ id, userId }: { id: string; userId: string }): Promise<boolean> {
  const rows = await db
    .update(signIns)
    .set({ endedAt: new Date() })
    .where(and(eq(signIns.id, id), eq(signIns.userId, userId), isNull(signIns.endedAt)))
    .returning({ id: signIns.id });
  return rows.length > 0;
}

let idle: { minutes: number; readAt: number } | null = null;

/** The idle timeout, read at most every 10 s per process (a change applies within that). */
export async function idleTimeoutMinutes(): Promise<number> {
  if (idle && Date.now() - idle.readAt < 10_000) return idle.minutes;
  const minutes = await getParameter({ key: "security.idle_timeout_minutes" });
  idle = { minutes, readAt: Date.now() };
  return minutes;
}

/**
 * The SQL that says whether sign-in `signInId` of the joined user is alive
 * (not ended, used within the idle timeout), and a statement that moves its
 * last-seen time forward when it is alive and was last moved more than
 * SIGN_IN_TOUCH_SECONDS ago: a request costs a write at most twice a minute.
 */
export function signInAliveSql(idleMinutes: number | ReturnType<typeof sql.placeholder>) {
  return sql<boolean | null>`(${signIns.endedAt} is null and ${signIns.lastSeenAt} > now() - make_interval(mins => ${idleMinutes}::int))`;
}

export function touchSignIn(database: typeof db, { signInId, userId, idleMinutes }: { signInId: unknown; userId: unknown; idleMinutes: unknown }) {
  return database.$with("touched").as(
    database
      .update(signIns)
      .set({ lastSeenAt: sql`now()` })
      .where(
        and(
          sql`${signIns.id} = ${signInId}::uuid`,
          sql`${signIns.userId} = ${userId}::uuid`,
          isNull(signIns.endedAt),
          sql`${signIns.lastSeenAt} > now() - make_interval(mins => ${idleMinutes}::int)`,
          sql`${signIns.lastSeenAt} < now() - make_interval(secs => ${SIGN_IN_TOUCH_SECONDS})`,
        ),
      )
      .returning({ id: signIns.id }),
  );
}

/** The account a session cookie names, with whether its sign-in is alive; moves the sign-in's last-seen time. */
export async function getSignedInAccount({
  userId,
  signInId,
}: {
  userId: string;
  signInId: string | null;
}): Promise<(User & { signInAlive: boolean | null }) | null> {
  const idleMinutes = await idleTimeoutMinutes();
  // A cookie without a sign-in id matches no sign-in (the nil uuid).
  const sid = signInId ?? "00000000-0000-0000-0000-000000000000";
  const touched = touchSignIn(db, { signInId: sid, userId, idleMinutes });
  const [row] = await db
    .with(touched)
    .select({ user: users, signInAlive: signInAliveSql(idleMinutes) })
    .from(users)
    .leftJoin(signIns, and(sql`${signIns.id} = ${sid}::uuid`, eq(signIns.userId, users.id)))
    .where(eq(users.id, userId))
    .limit(1);
  return row ? { ...row.user, signInAlive: row.signInAlive } : null;
}
