import { sql } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordAudit } from "@/lib/audit";
import { db } from "@/lib/db/client";
import { listAuditEntries } from "@/lib/audit/queries";
import { closeDb, ownerUrlOf, useFreshDatabase } from "../support/db";
import { createTestUser } from "../support/users";

let appUrl: string;

beforeAll(async () => {
  appUrl = await useFreshDatabase();
});
afterAll(async () => {
  await closeDb();
});

// drizzle wraps the driver's error; the database's own message is the cause.
describe("audit trail", () => {
  it("records who did what, and lists newest first with filters", async () => {
    const admin = await createTestUser("admin");
    await recordAudit({ actor: admin, action: "auth.sign_in", ip: "10.1.2.3" });
    await recordAudit({ actor: admin, action: "session.report_viewed", target: { type: "session", id: "abc" } });
    const all = await listAuditEntries({});
    expect(all.map((e) => e.action)).toEqual(["session.report_viewed", "auth.sign_in"]);
    expect(all[1]).toMatchObject({ actorId: admin.id, actorEmail: admin.email, ip: "10.1.2.3" });
    const viewed = await listAuditEntries({ action: "session.report_viewed" });
    expect(viewed).toHaveLength(1);
    expect(viewed[0]?.targetId).toBe("abc");
  });

  it("refuses updates, deletes and truncation at the database: to the app's role by its privileges, to the owner by the trigger", async () => {
    await recordAudit({ actor: null, action: "auth.sign_in_failed", details: { email: "x@example.test" } });
    const denied = { cause: { message: expect.stringMatching(/permission denied for table audit_log/) } };
    await expect(db.execute(sql`update audit_log set action = 'forged'`)).rejects.toMatchObject(denied);
    await expect(db.execute(sql`delete from audit_log`)).rejects.toMatchObject(denied);
    await expect(db.execute(sql`truncate audit_log`)).rejects.toMatchObject(denied);
    const owner = new pg.Client({ connectionString: ownerUrlOf(appUrl) });
    await owner.connect();
    try {
      // CASCADE: the entries that other tables reference would stop a plain TRUNCATE before the trigger is asked.
      for (const statement of ["update audit_log set action = 'forged'", "delete from audit_log", "truncate audit_log cascade"]) {
        await expect(owner.query(statement)).rejects.toMatchObject({ message: expect.stringMatching(/audit_log is append-only/) });
      }
    } finally {
      await owner.end();
    }
    const rows = await listAuditEntries({});
    expect(rows.length).toBeGreaterThanOrEqual(1);
    expect(rows.every((r) => r.action !== "forged")).toBe(true);
  });
});
