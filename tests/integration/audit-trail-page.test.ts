import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordAudit } from "@/lib/audit";
import { AUDIT_PAGE_SIZE, decodeAuditCursor, encodeAuditCursor, loadAuditTrailPage } from "@/lib/settings/audit-trail";
import { closeDb, useFreshDatabase } from "../support/db";
import { createTestUser } from "../support/users";

beforeAll(async () => {
  await useFreshDatabase();
});
afterAll(async () => {
  await closeDb();
});

describe("audit trail page", () => {
  it("pages newest first with an opaque cursor, without gaps or repeats", async () => {
    const admin = await createTestUser("admin");
    // Rapid inserts share milliseconds; the cursor must still order them exactly.
    for (let i = 0; i < 120; i++) {
      await recordAudit({ actor: admin, action: "session.report_viewed", target: { type: "session", id: `s${i}` } });
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    const sizes: number[] = [];
    for (let pageNo = 0; pageNo < 10; pageNo++) {
      const page = await loadAuditTrailPage({ action: "session.report_viewed", ...(cursor ? { cursor } : {}) });
      expect(page.problems).toEqual([]);
      sizes.push(page.entries.length);
      seen.push(...page.entries.map((e) => e.targetId ?? ""));
      if (!page.olderCursor) break;
      expect(page.olderCursor).not.toMatch(/^\d+$/);
      cursor = page.olderCursor;
    }
    expect(sizes).toEqual([AUDIT_PAGE_SIZE, AUDIT_PAGE_SIZE, 120 - 2 * AUDIT_PAGE_SIZE]);
    expect(seen).toEqual(Array.from({ length: 120 }, (_, i) => `s${119 - i}`));
  });

  it("filters by actor email prefix (literally), target and date range", async () => {
    const pct = await createTestUser("auditor", { email: "x%y@example.test" });
    const other = await createTestUser("auditor", { email: "xzy@example.test" });
    await recordAudit({ actor: pct, action: "session.played", target: { type: "session", id: "t-1" } });
    await recordAudit({ actor: other, action: "session.played", target: { type: "session", id: "t-2" } });
    const byActor = await loadAuditTrailPage({ actor: "X%" });
    expect(byActor.entries.map((e) => e.actorEmail)).toEqual(["x%y@example.test"]);
    const byTarget = await loadAuditTrailPage({ target: "t-2" });
    expect(byTarget.entries.map((e) => e.actorEmail)).toEqual(["xzy@example.test"]);
    const today = new Date().toISOString().slice(0, 10);
    const inRange = await loadAuditTrailPage({ action: "session.played", from: today, to: today });
    expect(inRange.entries).toHaveLength(2);
    const past = await loadAuditTrailPage({ action: "session.played", from: "2020-01-01", to: "2020-01-31" });
    expect(past.entries).toHaveLength(0);
  });

  it("explains bad filter values instead of failing", async () => {
    const page = await loadAuditTrailPage({
      action: "no.such_action",
      from: "2026-02-31",
      to: "yesterday",
      actor: "a".repeat(400),
      cursor: "!!not-a-cursor!!",
    });
    expect(page.problems).toEqual(
      expect.arrayContaining([
        "The start date must be a date between 2000 and 2100 (YYYY-MM-DD).",
        "The end date must be a date between 2000 and 2100 (YYYY-MM-DD).",
        "The actor filter is too long (320 characters at most).",
        'Unknown action "no.such_action".',
        "The page link is not valid; showing the newest entries.",
      ]),
    );
    expect(page.isFirstPage).toBe(true);
    expect(page.entries.length).toBeGreaterThan(0);
    expect(decodeAuditCursor(encodeAuditCursor(42))).toBe(42);
    expect(decodeAuditCursor(Buffer.from("a:-1").toString("base64url"))).toBeNull();
  });
});
