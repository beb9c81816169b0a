import { and, eq, isNull } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyPassword } from "@/lib/users/password";
import { db } from "@/lib/db/client";
import { getUserById, listUsers, updateUserKeepingAnAdmin } from "@/lib/users/queries";
import { auditLog, users } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { createAccount, disableAccount, enableAccount, listAccounts, resetAccountPassword, setAccountRole } from "@/lib/users";
import { createUserSchema, resetPasswordSchema } from "@/lib/users/schemas";
import { closeDb, useFreshDatabase } from "../support/db";
import { createTestUser } from "../support/users";

let databaseUrl: string;
beforeAll(async () => {
  databaseUrl = await useFreshDatabase();
});
afterAll(async () => {
  await closeDb();
});

const unique = (p: string) => `${p}-${Math.random().toString(36).slice(2, 8)}@example.test`;

/** Test setup only: earlier tests' admins must not count for the last-admin rule. */
async function disableEveryAdmin() {
  await db
    .update(users)
    .set({ disabledAt: new Date() })
    .where(and(eq(users.role, "admin"), isNull(users.disabledAt)));
}

async function auditFor(targetId: string, action: string) {
  return db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.targetId, targetId), eq(auditLog.action, action)));
}

describe("user administration", () => {
  it("creates an account with a hashed password and audits who created whom", async () => {
    const admin = await createTestUser("admin");
    const email = unique("new");
    const user = await createAccount({
      actor: admin,
      ip: "10.0.0.9",
      input: createUserSchema.parse({ name: "Nora New", email: email.toUpperCase(), role: "auditor", password: "a long passphrase" }),
    });
    expect(user).toMatchObject({ email, name: "Nora New", role: "auditor", disabledAt: null });
    expect(user.passwordHash).not.toContain("a long passphrase");
    await expect(verifyPassword(user.passwordHash, "a long passphrase")).resolves.toBe(true);
    const [entry] = await auditFor(user.id, "user.created");
    expect(entry).toMatchObject({ actorId: admin.id, actorEmail: admin.email, targetType: "user", ip: "10.0.0.9" });
    expect(entry?.details).toMatchObject({ email, role: "auditor" });
    expect((await listAccounts()).map((a) => a.email)).toContain(email);
  });

  it("refuses a duplicate email, whatever its case, as an error on the email field", async () => {
    const admin = await createTestUser("admin");
    const existing = await createTestUser("user");
    const attempt = createAccount({
      actor: admin,
      input: { name: "Copy", email: existing.email.toUpperCase(), role: "user", password: "another passphrase" },
    });
    await expect(attempt).rejects.toBeInstanceOf(AppError);
    await expect(attempt).rejects.toMatchObject({ field: "email", message: "An account with this email already exists." });
  });

  it("validates input: passwords of 12+ characters, real emails, known roles", () => {
    const short = createUserSchema.safeParse({ name: "A", email: "a@example.test", role: "user", password: "elevenchars" });
    expect(short.success).toBe(false);
    expect(short.error?.issues[0]).toMatchObject({ path: ["password"], message: "Use at least 12 characters." });
    expect(createUserSchema.safeParse({ name: "A", email: "not-an-email", role: "user", password: "twelve chars" }).success).toBe(false);
    expect(createUserSchema.safeParse({ name: "A", email: "a@example.test", role: "root", password: "twelve chars" }).success).toBe(false);
    expect(createUserSchema.safeParse({ name: "A", email: "a@example.test", role: "user", password: "twelve chars" }).success).toBe(true);
    expect(resetPasswordSchema.safeParse({ userId: "00000000-0000-4000-8000-000000000000", password: "short" }).success).toBe(false);
    expect(resetPasswordSchema.safeParse({ userId: "00000000-0000-4000-8000-000000000000", generate: "on" }).success).toBe(true);
    expect(resetPasswordSchema.safeParse({ userId: "x", generate: "on" }).success).toBe(false);
  });

  it("changes a role and audits the old and the new role", async () => {
    const admin = await createTestUser("admin");
    const user = await createTestUser("user");
    const after = await setAccountRole({ actor: admin, userId: user.id, role: "auditor" });
    expect(after.role).toBe("auditor");
    const [entry] = await auditFor(user.id, "user.role_changed");
    expect(entry).toMatchObject({ actorId: admin.id });
    expect(entry?.details).toMatchObject({ old: "user", new: "auditor" });
  });

  it("does not let an admin demote or disable themselves", async () => {
    const admin = await createTestUser("admin");
    await createTestUser("admin"); // another admin exists, so only the self rule applies
    await expect(setAccountRole({ actor: admin, userId: admin.id, role: "auditor" })).rejects.toThrow("You cannot remove your own administrator role.");
    await expect(disableAccount({ actor: admin, userId: admin.id })).rejects.toThrow("You cannot disable your own account.");
    const fresh = await getUserById({ id: admin.id });
    expect(fresh).toMatchObject({ role: "admin", disabledAt: null });
  });

  it("keeps at least one active admin, even when two admins demote each other at once", async () => {
    await disableEveryAdmin();
    const a = await createTestUser("admin");
    const b = await createTestUser("admin");
    // Hold both rows from another connection so that both changes start, read, and wait together.
    const blocker = new pg.Client({ connectionString: databaseUrl });
    await blocker.connect();
    try {
      await blocker.query("begin");
      await blocker.query("select id from users where id = any($1::uuid[]) for update", [[a.id, b.id]]);
      const both = Promise.allSettled([setAccountRole({ actor: a, userId: b.id, role: "user" }), setAccountRole({ actor: b, userId: a.id, role: "user" })]);
      for (let i = 0; i < 40; i++) {
        // Inside a transaction the activity view is a snapshot; refresh it each time.
        await blocker.query("select pg_stat_clear_snapshot()");
        const { rows } = await blocker.query<{ n: number }>(
          "select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'",
        );
        if ((rows[0]?.n ?? 0) >= 2) break;
        if (i === 39) throw new Error("the two changes never waited together");
        await new Promise((r) => setTimeout(r, 50));
      }
      await blocker.query("commit");
      const results = await both;
      const rejected = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      expect(rejected).toHaveLength(1);
      expect(String(rejected[0]?.reason.message)).toMatch(/last active administrator/);
    } finally {
      await blocker.end();
    }
    const roles = [(await getUserById({ id: a.id }))?.role, (await getUserById({ id: b.id }))?.role].sort();
    expect(roles).toEqual(["admin", "user"]);
  });

  it("refuses to disable or demote the last active admin at the data layer", async () => {
    await disableEveryAdmin();
    const only = await createTestUser("admin");
    const disabledAdmin = await createTestUser("admin");
    const otherAdmin = await createTestUser("admin");
    // Disabled admins do not count.
    await disableAccount({ actor: only, userId: disabledAdmin.id });
    await disableAccount({ actor: only, userId: otherAdmin.id });
    await expect(updateUserKeepingAnAdmin({ id: only.id, changes: { role: "user" } })).resolves.toEqual({ ok: false, reason: "last_admin" });
    await expect(updateUserKeepingAnAdmin({ id: only.id, changes: { disabledAt: new Date() } })).resolves.toEqual({ ok: false, reason: "last_admin" });
    // Re-enabling another admin lifts the guard.
    await enableAccount({ actor: only, userId: otherAdmin.id });
    const demoted = await updateUserKeepingAnAdmin({ id: only.id, changes: { role: "auditor" } });
    expect(demoted.ok).toBe(true);
  });

  it("disables and enables an account, with audit entries", async () => {
    const admin = await createTestUser("admin");
    const user = await createTestUser("user");
    const disabled = await disableAccount({ actor: admin, ip: "10.0.0.1", userId: user.id });
    expect(disabled.disabledAt).toBeInstanceOf(Date);
    expect(await auditFor(user.id, "user.disabled")).toHaveLength(1);
    // Disabling twice is a no-op, not a second entry.
    await disableAccount({ actor: admin, userId: user.id });
    expect(await auditFor(user.id, "user.disabled")).toHaveLength(1);
    const enabled = await enableAccount({ actor: admin, userId: user.id });
    expect(enabled.disabledAt).toBeNull();
    const [entry] = await auditFor(user.id, "user.enabled");
    expect(entry).toMatchObject({ actorId: admin.id, actorEmail: admin.email });
  });

  it("resets a password to a chosen or a generated one, never writing it to the audit trail", async () => {
    const admin = await createTestUser("admin");
    const user = await createTestUser("user");
    const chosen = await resetAccountPassword({ actor: admin, userId: user.id, password: "a brand new passphrase" });
    expect(chosen.generatedPassword).toBeNull();
    await expect(verifyPassword(chosen.user.passwordHash, "a brand new passphrase")).resolves.toBe(true);
    await expect(verifyPassword(chosen.user.passwordHash, user.password)).resolves.toBe(false);

    const generated = await resetAccountPassword({ actor: admin, userId: user.id });
    expect(generated.generatedPassword).toMatch(/^[A-Za-z0-9_-]{24}$/);
    await expect(verifyPassword(generated.user.passwordHash, generated.generatedPassword!)).resolves.toBe(true);

    // Each reset raises the session version that signed-in tokens must carry.
    expect(generated.user.sessionVersion).toBe((await getUserById({ id: user.id }))!.sessionVersion);
    expect(generated.user.sessionVersion).toBe(chosen.user.sessionVersion + 1);
    expect(chosen.user.sessionVersion).toBe(1);

    const entries = await auditFor(user.id, "user.password_reset");
    expect(entries.map((e) => (e.details as { generated: boolean }).generated).sort()).toEqual([false, true]);
    const text = JSON.stringify(entries);
    expect(text).not.toContain("a brand new passphrase");
    expect(text).not.toContain(generated.generatedPassword!);
  });

  it("writes each change and its audit entry together: when the entry fails, the change is undone", async () => {
    const user = await createTestUser("user");
    // An actor that is not in users: the audit entry's foreign key refuses it.
    const ghost = { id: "11111111-1111-4111-8111-111111111111", email: "ghost@example.test" };
    await expect(setAccountRole({ actor: ghost, userId: user.id, role: "auditor" })).rejects.toThrow();
    await expect(disableAccount({ actor: ghost, userId: user.id })).rejects.toThrow();
    await expect(resetAccountPassword({ actor: ghost, userId: user.id, password: "a sneaky passphrase" })).rejects.toThrow();
    await expect(
      createAccount({ actor: ghost, input: { name: "Ghost", email: unique("ghosted"), role: "admin", password: "ghostly passphrase" } }),
    ).rejects.toThrow();
    const fresh = await getUserById({ id: user.id });
    expect(fresh).toMatchObject({ role: "user", disabledAt: null, passwordHash: user.passwordHash });
    expect((await listAccounts()).some((a) => a.name === "Ghost")).toBe(false);
  });

  it("searches accounts by name or email, any case, with LIKE wildcards taken literally", async () => {
    const zelda = await createTestUser("auditor", { name: "Zelda Quartermain" });
    const percent = await createTestUser("user", { name: "Hundred%Percent" });
    expect((await listUsers({ q: "quarterMAIN" })).map((u) => u.id)).toEqual([zelda.id]);
    expect((await listUsers({ q: zelda.email.slice(0, 12).toUpperCase() })).map((u) => u.id)).toContain(zelda.id);
    expect((await listUsers({ q: "d%p" })).map((u) => u.id)).toEqual([percent.id]);
    expect(await listUsers({ q: "Zel_a" })).toEqual([]);
    expect(await listUsers({ q: "%" })).toEqual([expect.objectContaining({ id: percent.id })]);
  });

  it("answers a clear error for an account that does not exist", async () => {
    const admin = await createTestUser("admin");
    const missing = "00000000-0000-4000-8000-000000000000";
    await expect(setAccountRole({ actor: admin, userId: missing, role: "user" })).rejects.toMatchObject({ status: 404 });
    await expect(disableAccount({ actor: admin, userId: missing })).rejects.toMatchObject({ status: 404 });
    await expect(resetAccountPassword({ actor: admin, userId: missing })).rejects.toMatchObject({ status: 404 });
  });
});
