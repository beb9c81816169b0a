import { count, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyPassword } from "@/lib/users/password";
import { db } from "@/lib/db/client";
import { getUserByEmail } from "@/lib/users/queries";
import { PROTOCOLS } from "@/lib/domain/sessions";
import { users } from "@/lib/db/schema";
import { DEMO_ACCOUNTS, ensureDemoAccounts } from "@/lib/demo/accounts";
import { UNIT_MS } from "@/lib/demo/paint/units";
import { planDemoSessions, SESSION_COUNT } from "@/lib/demo/plan";
import { scenesOf } from "@/lib/demo/scenes";
import { closeDb, useFreshDatabase } from "../support/db";

beforeAll(async () => {
  await useFreshDatabase();
});
afterAll(async () => {
  await closeDb();
});

/** The passwords the demo used to publish in its README and log. */
const PUBLISHED = ["auditor-demo", "user-demo"];

describe("demo accounts", () => {
  it("get passwords generated for this install, not fixed ones, and keep them", async () => {
    const created = await ensureDemoAccounts();
    expect(created.map((a) => a.email).sort()).toEqual(DEMO_ACCOUNTS.map((a) => a.email).sort());
    for (const account of created) {
      const user = await getUserByEmail({ email: account.email });
      expect(user?.role).toBe(DEMO_ACCOUNTS.find((a) => a.email === account.email)!.role);
      expect(await verifyPassword(user!.passwordHash, account.password)).toBe(true);
      for (const known of PUBLISHED) expect(await verifyPassword(user!.passwordHash, known)).toBe(false);
      expect(account.password.length).toBeGreaterThanOrEqual(20);
    }
    expect(new Set(created.map((a) => a.password)).size).toBe(created.length);

    // Again: the accounts exist, nothing is created and their passwords stay.
    const [before] = await db.select({ n: count() }).from(users);
    expect(await ensureDemoAccounts()).toEqual([]);
    const [after] = await db.select({ n: count() }).from(users);
    expect(after!.n).toBe(before!.n);
    const auditor = created.find((a) => a.role === "auditor")!;
    const user = await getUserByEmail({ email: auditor.email });
    expect(await verifyPassword(user!.passwordHash, auditor.password)).toBe(true);

    // Another install (here: the same database without those accounts) gets other passwords.
    await db.delete(users).where(
      inArray(
        users.email,
        DEMO_ACCOUNTS.map((a) => a.email),
      ),
    );
    const other = await ensureDemoAccounts();
    expect(other.find((a) => a.role === "auditor")!.password).not.toBe(auditor.password);
  });
});

describe("demo sessions plan", () => {
  const now = Date.UTC(2026, 2, 10, 12, 0, 0);
  const plan = planDemoSessions({ now });

  it("has a few hundred sessions across all protocols over the last 90 days, newest first", () => {
    expect(plan.length).toBe(SESSION_COUNT);
    expect(new Set(plan.map((s) => s.start.protocol))).toEqual(new Set(PROTOCOLS));
    const ninetyOneDaysAgo = now - 91 * 24 * 3600 * 1000;
    expect(plan.every((s) => s.startedAt.getTime() > ninetyOneDaysAgo && s.startedAt.getTime() <= now)).toBe(true);
    expect(plan.map((s) => s.startedAt.getTime())).toEqual(plan.map((s) => s.startedAt.getTime()).sort((a, b) => b - a));
    // The same on every machine.
    expect(planDemoSessions({ now })).toEqual(plan);
  });

  it("records every session but the failed connections, for as long as it lasted", () => {
    const failed = plan.filter((s) => s.status === "failed");
    expect(failed.length).toBeGreaterThan(5);
    expect(failed.every((s) => s.errorMessage && s.scene === null && s.units === 0)).toBe(true);
    const recorded = plan.filter((s) => s.status !== "failed");
    expect(recorded.every((s) => s.scene !== null && s.units >= 1 && s.durationMs === s.units * UNIT_MS && !s.errorMessage)).toBe(true);
    expect(plan.filter((s) => s.status === "active").length).toBe(2);
    // What the recording shows is the session's own target.
    for (const s of recorded) {
      expect(scenesOf(s.start.protocol)).toContainEqual(s.scene);
      expect([s.start.host, s.start.credentialUsername]).toEqual([s.scene!.host, s.scene!.credential]);
    }
    // Mostly short, some long: a few hours of recording in all.
    const hours = recorded.filter((s) => s.status === "closed").reduce((sum, s) => sum + s.durationMs, 0) / 3_600_000;
    expect(hours).toBeGreaterThan(3);
    expect(hours).toBeLessThan(10);
    expect(recorded.some((s) => s.durationMs >= 15 * 60_000)).toBe(true);
  });

  it("gives each demo user account sessions of their own", () => {
    for (const account of DEMO_ACCOUNTS.filter((a) => a.role === "user")) {
      expect(plan.filter((s) => s.start.user === account.name).length).toBeGreaterThan(10);
    }
  });
});
