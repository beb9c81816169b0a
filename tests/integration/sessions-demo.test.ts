import { count, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyPassword } from "@/lib/users/password";
import { db } from "@/lib/db/client";
import { getUserByEmail } from "@/lib/users/queries";
import { listSessions } from "@/lib/sessions/queries";
import { PROTOCOLS } from "@/lib/domain/sessions";
import { remoteSessions, users } from "@/lib/db/schema";
import { DEMO_ACCOUNTS, seedDemo } from "@/lib/demo/sessions";
import { closeDb, useFreshDatabase } from "../support/db";

beforeAll(async () => {
  await useFreshDatabase();
});
afterAll(async () => {
  await closeDb();
});

describe("demo data", () => {
  it("creates the demo accounts once and a few hundred realistic sessions", async () => {
    await seedDemo();
    for (const account of DEMO_ACCOUNTS) {
      const user = await getUserByEmail({ email: account.email });
      expect(user?.role).toBe(account.role);
      expect(await verifyPassword(user!.passwordHash, account.password)).toBe(true);
    }
    const sessions = await db.select().from(remoteSessions);
    expect(sessions.length).toBeGreaterThanOrEqual(200);
    expect(new Set(sessions.map((s) => s.protocol))).toEqual(new Set(PROTOCOLS));
    expect(sessions.every((s) => /^[0-9a-f]{32}$/.test(s.hash))).toBe(true);
    const ninetyDaysAgo = Date.now() - 91 * 24 * 3600 * 1000;
    expect(sessions.every((s) => s.startedAt.getTime() > ninetyDaysAgo && s.startedAt.getTime() <= Date.now())).toBe(true);
    const failed = sessions.filter((s) => s.status === "failed");
    expect(failed.length).toBeGreaterThan(5);
    expect(failed.every((s) => s.errorMessage && s.recordingSize === 0 && s.endedAt)).toBe(true);
    const active = sessions.filter((s) => s.status === "active");
    expect(active.length).toBe(2);
    expect(active.every((s) => s.endedAt === null)).toBe(true);
    const closed = sessions.filter((s) => s.status === "closed");
    expect(closed.every((s) => s.endedAt! > s.startedAt && s.recordingSize > 0 && !s.errorMessage)).toBe(true);

    // Each demo "user" account sees its own sessions, and only those.
    const alice = await getUserByEmail({ email: "alice@example.com" });
    const page = await listSessions({ viewer: { id: alice!.id, role: "user" }, limit: 500 });
    expect(page.rows.length).toBeGreaterThan(10);
    expect(page.rows.every((r) => r.userName === alice!.name)).toBe(true);

    // Seeding again adds sessions but keeps the accounts as they are.
    const [before] = await db.select({ n: count() }).from(users);
    await seedDemo();
    const [after] = await db.select({ n: count() }).from(users);
    expect(after!.n).toBe(before!.n);
    const [total] = await db.select({ n: count() }).from(remoteSessions);
    expect(total!.n).toBe(sessions.length * 2);
    const [dupes] = (await db.execute<{ n: number }>(sql`select count(*)::int n from (select hash from remote_sessions group by hash having count(*) > 1) d`)).rows;
    expect(dupes!.n).toBe(0);
  });
});
