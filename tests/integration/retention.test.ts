import { rm } from "node:fs/promises";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// The storage root comes from DATA_DIR, read once when lib/env.ts loads.
const dataDir = vi.hoisted(() => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- vi.hoisted runs before this file's imports
  const dir = `${require("node:os").tmpdir()}/sv-retention-test-${process.pid}-${Date.now()}`;
  process.env.DATA_DIR = dir;
  return dir;
});

import { verifyAuditChain } from "@/lib/audit/chain";
import { db } from "@/lib/db/client";
import { auditLog, commandFindings, deletionRequests, recordingChunks, recordings, sessionCommands, sessionEvents, videoExports } from "@/lib/db/schema";
import { retentionExpiresAt, type RetentionPolicy } from "@/lib/domain/retention";
import { AppError } from "@/lib/errors";
import { verifyRecording } from "@/lib/recordings/verify";
import {
  cancelEarlyDeletion,
  changeRetentionPolicy,
  confirmEarlyDeletion,
  expireRecordings,
  getRetentionPolicy,
  getSessionRetention,
  placeHolds,
  previewPolicy,
  releaseHold,
  requestEarlyDeletion,
} from "@/lib/retention";
import { expireRecordingsHandler } from "@/lib/retention/jobs/expire-recordings";
import { listSessionIdsBy } from "@/lib/retention/queries";
import { listSessionIdsMatching, listSessions } from "@/lib/sessions/queries";
import { getStorage, storageKeys } from "@/lib/storage";
import { closeDb, useFreshDatabase } from "../support/db";
import { createRecordedSession } from "../support/retention-fixtures";
import { createTestUser } from "../support/users";

let admin: Awaited<ReturnType<typeof createTestUser>>;
let admin2: Awaited<ReturnType<typeof createTestUser>>;
let auditor: Awaited<ReturnType<typeof createTestUser>>;

beforeAll(async () => {
  await useFreshDatabase();
  admin = await createTestUser("admin");
  admin2 = await createTestUser("admin");
  auditor = await createTestUser("auditor");
});
afterAll(async () => {
  await closeDb();
  await rm(dataDir, { recursive: true, force: true });
});

const storage = () => getStorage();

async function objectsOf(recordingId: number): Promise<string[]> {
  const keys: string[] = [];
  for await (const o of storage().list(storageKeys.recordingPrefix(recordingId))) keys.push(o.key);
  return keys;
}

async function rowsOf(sessionId: number) {
  const count = async (table: typeof sessionEvents | typeof sessionCommands | typeof commandFindings) =>
    (
      await db
        .select({ n: sql<number>`count(*)`.mapWith(Number) })
        .from(table)
        .where(eq(table.sessionId, sessionId))
    )[0]!.n;
  return { events: await count(sessionEvents), commands: await count(sessionCommands), findings: await count(commandFindings) };
}

async function recordingRow(id: number) {
  const [row] = await db.select().from(recordings).where(eq(recordings.id, id));
  return row!;
}

async function auditOf(action: string, sessionId: number) {
  return db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.action, action), eq(auditLog.targetType, "session"), eq(auditLog.targetId, String(sessionId))));
}

async function expectAppError(p: Promise<unknown>, status: number, message?: RegExp) {
  const error = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).status).toBe(status);
  if (message) expect((error as AppError).message).toMatch(message);
}

// Runs first: the policy of this block is the one the later blocks start from.
describe("expiry by the policy", () => {
  const policy: RetentionPolicy = {
    defaultDays: 30,
    protocols: [{ protocol: "ssh", days: 90 }],
    patterns: [
      { field: "user", pattern: "keep.*", days: null },
      { field: "credential", pattern: "svc-?", days: 200 },
    ],
  };

  it("deletes exactly the expired, verified, unheld, finished recordings, leaves tombstones, and audits each", async () => {
    const now = new Date();
    const cases = {
      sshOld: await createRecordedSession({ endedDaysAgo: 100, protocol: "ssh", exportBy: admin.id }),
      sshYoung: await createRecordedSession({ endedDaysAgo: 61, protocol: "ssh" }),
      rdpOld: await createRecordedSession({ endedDaysAgo: 40, protocol: "rdp" }),
      rdpYoung: await createRecordedSession({ endedDaysAgo: 20, protocol: "rdp" }),
      keptForever: await createRecordedSession({ endedDaysAgo: 4000, protocol: "rdp", userName: "Keep.Me" }),
      credential: await createRecordedSession({ endedDaysAgo: 150, protocol: "rdp", credentialUsername: "SVC-1" }),
      credentialOld: await createRecordedSession({ endedDaysAgo: 250, protocol: "rdp", credentialUsername: "svc-1" }),
      held: await createRecordedSession({ endedDaysAgo: 400, protocol: "rdp" }),
      active: await createRecordedSession({ endedDaysAgo: 400, protocol: "rdp", status: "active" }),
      receiving: await createRecordedSession({ endedDaysAgo: 400, protocol: "rdp", receiving: true }),
      unverified: await createRecordedSession({ endedDaysAgo: 400, protocol: "rdp", verified: false }),
    };
    const expected = new Set(["sshOld", "rdpOld", "credentialOld"]);
    await placeHolds({
      actor: admin,
      sessionIds: [cases.held.session.id],
      reason: "Case 7",
      caseReference: "C-7",
      scope: { session: cases.held.session.hash },
    });

    // The pure decision and the SQL agree on every session.
    for (const [name, c] of Object.entries(cases)) {
      const expires = retentionExpiresAt(policy, c.session);
      const expired = expires !== null && expires <= now;
      const blocked = ["held", "active", "receiving", "unverified"].includes(name);
      expect(expired && !blocked, name).toBe(expected.has(name));
    }

    const { changed, preview } = await changeRetentionPolicy({ actor: admin, ip: "10.1.1.1", policy, now });
    expect(changed).toBe(true);
    expect(preview.dueNow).toBe(3);
    expect(preview.expiredButHeld).toBe(1);
    expect(preview.expiredButUnverified).toBeGreaterThanOrEqual(1);
    expect(preview.next30Days).toBe(2); // sshYoung (in 29 days) and rdpYoung (in 10 days)
    expect(preview.nextExpiry).not.toBeNull();

    const [changeAudit] = await db.select().from(auditLog).where(eq(auditLog.action, "retention.policy_changed"));
    expect(changeAudit!.details).toMatchObject({ old: { defaultDays: null }, new: { defaultDays: 30 }, dueNow: 3 });
    expect((await getRetentionPolicy()).policy).toEqual(policy);

    const run = await expireRecordings({ now, batchSize: 2 });
    expect(run.deleted).toBe(3);
    expect(run.batches).toBe(2);

    for (const [name, c] of Object.entries(cases)) {
      const row = await recordingRow(c.recordingId);
      const rows = await rowsOf(c.session.id);
      if (expected.has(name)) {
        expect(row.deletedAt, name).not.toBeNull();
        expect(row.deletionBasis).toBe("policy");
        expect(row.deletedBy).toBeNull();
        expect(row.deletedSha256).toBe(c.sha256);
        expect(row.deletedChainHead).toBe(c.chainHead);
        expect(row.purgedAt).not.toBeNull();
        expect(row.playableKey).toBeNull();
        expect(await objectsOf(c.recordingId), name).toEqual([]);
        expect(rows).toEqual({ events: 0, commands: 0, findings: 0 });
        // The chunks' hashes stay: they are the proof of what existed.
        expect((await db.select().from(recordingChunks).where(eq(recordingChunks.recordingId, c.recordingId))).length).toBe(3);
        const [audit] = await auditOf("recording.deleted", c.session.id);
        expect(audit!.details).toMatchObject({ basis: "policy", sha256: c.sha256, chainHead: c.chainHead, chunks: 3, sessionHash: c.session.hash });
        expect(audit!.actorId).toBeNull();
      } else {
        expect(row.deletedAt, name).toBeNull();
        expect(rows, name).toEqual({ events: 2, commands: 1, findings: 1 });
        expect((await objectsOf(c.recordingId)).length, name).toBeGreaterThan(0);
      }
    }
    // The export of a deleted recording: its file is gone, its row says so.
    const [exp] = await db.select().from(videoExports).where(eq(videoExports.sessionId, cases.sshOld.session.id));
    expect(exp!.status).toBe("expired");
    expect(exp!.storageKey).toBeNull();
    expect(await storage().stat(cases.sshOld.exportKey!)).toBeNull();

    // Verification still proves what existed, and the audit trail's chain holds over the deletions.
    const v = await verifyRecording({ recordingId: cases.sshOld.recordingId });
    expect(v.status).toBe("verified");
    expect(v.detail).toMatch(/3 chunk hashes kept still chain/);
    expect((await verifyAuditChain()).ok).toBe(true);

    // The report's view of a tombstone.
    const retention = await getSessionRetention(cases.sshOld.session);
    expect(retention.tombstone).toMatchObject({ basis: "policy", deletedBy: null, sha256: cases.sshOld.sha256 });

    // A second run (another node, a retry) deletes nothing more; the job handler runs the same.
    expect((await expireRecordings({ now })).deleted).toBe(0);
    await expireRecordingsHandler.handle({}, {} as never);
    expect((await auditOf("recording.deleted", cases.sshYoung.session.id)).length).toBe(0);
  });

  it("a tampered chunk hash of a deleted recording fails its verification", async () => {
    const c = await createRecordedSession({ endedDaysAgo: 500, protocol: "rdp" });
    await expireRecordings();
    expect((await recordingRow(c.recordingId)).deletedAt).not.toBeNull();
    await db
      .update(recordingChunks)
      .set({ sha256: "0".repeat(64) })
      .where(and(eq(recordingChunks.recordingId, c.recordingId), eq(recordingChunks.seq, 1)));
    const v = await verifyRecording({ recordingId: c.recordingId });
    expect(v.status).toBe("mismatch");
  });

  it("finishes the purge a crash interrupted", async () => {
    const c = await createRecordedSession({ endedDaysAgo: 500, protocol: "rdp" });
    await expireRecordings();
    // As if the process died after the commit and before the objects went.
    await storage().write(
      storageKeys.media(c.recordingId),
      (async function* () {
        yield Buffer.from("left behind");
      })(),
    );
    await db.update(recordings).set({ purgedAt: null }).where(eq(recordings.id, c.recordingId));
    const run = await expireRecordings();
    expect(run.purged).toBe(1);
    expect(await objectsOf(c.recordingId)).toEqual([]);
    expect((await recordingRow(c.recordingId)).purgedAt).not.toBeNull();
  });

  it("a policy saved unchanged writes no audit entry; only admins change it", async () => {
    const before = (await db.select().from(auditLog).where(eq(auditLog.action, "retention.policy_changed"))).length;
    const { policy } = await getRetentionPolicy();
    expect((await changeRetentionPolicy({ actor: admin, policy })).changed).toBe(false);
    await expectAppError(changeRetentionPolicy({ actor: auditor, policy: { ...policy, defaultDays: 1 } }), 403);
    expect((await db.select().from(auditLog).where(eq(auditLog.action, "retention.policy_changed"))).length).toBe(before);
  });
});

describe("legal holds", () => {
  it("a hold blocks deletion until released; placing and releasing are audited", async () => {
    const c = await createRecordedSession({ endedDaysAgo: 800, protocol: "rdp", userName: "mallory" });
    const other = await createRecordedSession({ endedDaysAgo: 800, protocol: "vnc", userName: "MALLORY" });
    const ids = await listSessionIdsBy({ field: "user", value: "Mallory" });
    expect(ids.sort()).toEqual([c.session.id, other.session.id].sort());
    const first = await placeHolds({ actor: admin, ip: "10.2.2.2", sessionIds: ids, reason: "Litigation", caseReference: "L-1", scope: { user: "Mallory" } });
    expect(first).toMatchObject({ placed: 2, alreadyHeld: 0 });
    // Holding again changes nothing.
    expect(await placeHolds({ actor: admin, sessionIds: ids, reason: "Again", scope: {} })).toMatchObject({ placed: 0, alreadyHeld: 2 });

    await expireRecordings();
    expect((await recordingRow(c.recordingId)).deletedAt).toBeNull();
    expect((await recordingRow(other.recordingId)).deletedAt).toBeNull();

    const retention = await getSessionRetention(c.session);
    expect(retention.activeHold).toMatchObject({ reason: "Litigation", caseReference: "L-1", placedByEmail: admin.email });
    const [placedAudit] = await auditOf("session.hold_placed", c.session.id);
    expect(placedAudit!.details).toMatchObject({ reason: "Litigation", caseReference: "L-1", scope: { user: "Mallory" } });

    await expectAppError(releaseHold({ actor: auditor, holdId: retention.activeHold!.id, reason: "done" }), 403);
    await expectAppError(releaseHold({ actor: admin2, holdId: retention.activeHold!.id, reason: "  " }), 400);
    await releaseHold({ actor: admin2, ip: "10.3.3.3", holdId: retention.activeHold!.id, reason: "Case closed" });
    await expectAppError(releaseHold({ actor: admin2, holdId: retention.activeHold!.id, reason: "twice" }), 409);
    const [releasedAudit] = await auditOf("session.hold_released", c.session.id);
    expect(releasedAudit!.actorId).toBe(admin2.id);
    expect(releasedAudit!.details).toMatchObject({ reason: "Case closed", holdReason: "Litigation" });

    await expireRecordings();
    expect((await recordingRow(c.recordingId)).deletedAt).not.toBeNull();
    expect((await recordingRow(other.recordingId)).deletedAt).toBeNull();
  });

  it("only admins place holds, and only with a reason", async () => {
    const c = await createRecordedSession({ endedDaysAgo: 1, protocol: "ssh" });
    await expectAppError(placeHolds({ actor: auditor, sessionIds: [c.session.id], reason: "x", scope: {} }), 403);
    await expectAppError(placeHolds({ actor: admin, sessionIds: [c.session.id], reason: " ", scope: {} }), 400);
  });
});

describe("early deletion (two-person rule)", () => {
  it("needs a second admin, never the requester, never while on hold", async () => {
    const c = await createRecordedSession({ endedDaysAgo: 1, protocol: "ssh", exportBy: admin.id });
    await expectAppError(requestEarlyDeletion({ actor: auditor, sessionId: c.session.id, reason: "GDPR erasure" }), 403);
    await expectAppError(requestEarlyDeletion({ actor: admin, sessionId: c.session.id, reason: "" }), 400);
    await requestEarlyDeletion({ actor: admin, ip: "10.4.4.4", sessionId: c.session.id, reason: "GDPR erasure request #12" });
    await expectAppError(requestEarlyDeletion({ actor: admin2, sessionId: c.session.id, reason: "again" }), 409);

    // The requester cannot confirm; an auditor cannot either.
    await expectAppError(confirmEarlyDeletion({ actor: admin, sessionId: c.session.id }), 403, /second administrator/);
    await expectAppError(confirmEarlyDeletion({ actor: auditor, sessionId: c.session.id }), 403);
    // The database refuses it too, whatever the code above says.
    const [pending] = await db.select().from(deletionRequests).where(eq(deletionRequests.sessionId, c.session.id));
    await expect(
      db.update(deletionRequests).set({ status: "confirmed", decidedBy: admin.id, decidedAt: new Date() }).where(eq(deletionRequests.id, pending!.id)),
    ).rejects.toThrow();

    // On hold: no confirmation.
    await placeHolds({ actor: admin2, sessionIds: [c.session.id], reason: "Incident 9", scope: {} });
    await expectAppError(confirmEarlyDeletion({ actor: admin2, sessionId: c.session.id }), 409, /legal hold/);
    const hold = (await getSessionRetention(c.session)).activeHold!;
    await releaseHold({ actor: admin2, holdId: hold.id, reason: "Incident closed" });

    await confirmEarlyDeletion({ actor: admin2, ip: "10.5.5.5", sessionId: c.session.id });
    const row = await recordingRow(c.recordingId);
    expect(row).toMatchObject({ deletionBasis: "request", deletedBy: admin2.id, deletionReason: "GDPR erasure request #12", deletedSha256: c.sha256 });
    expect(await objectsOf(c.recordingId)).toEqual([]);
    expect(await storage().stat(c.exportKey!)).toBeNull();
    expect(await rowsOf(c.session.id)).toEqual({ events: 0, commands: 0, findings: 0 });
    const [audit] = await auditOf("recording.deleted", c.session.id);
    expect(audit!.actorId).toBe(admin2.id);
    expect(audit!.details).toMatchObject({ basis: "request", requestedBy: admin.email, confirmedBy: admin2.email, reason: "GDPR erasure request #12" });
    const [decided] = await db.select().from(deletionRequests).where(eq(deletionRequests.id, pending!.id));
    expect(decided).toMatchObject({ status: "confirmed", decidedBy: admin2.id });

    const retention = await getSessionRetention(c.session);
    expect(retention.tombstone).toMatchObject({ basis: "request", reason: "GDPR erasure request #12", deletedBy: { email: admin2.email } });
    await expectAppError(requestEarlyDeletion({ actor: admin, sessionId: c.session.id, reason: "again" }), 409, /deleted already/);
  });

  it("is refused on a held session and while recording; a request can be withdrawn", async () => {
    const held = await createRecordedSession({ endedDaysAgo: 1, protocol: "ssh" });
    await placeHolds({ actor: admin, sessionIds: [held.session.id], reason: "Hold", scope: {} });
    await expectAppError(requestEarlyDeletion({ actor: admin, sessionId: held.session.id, reason: "x" }), 409, /legal hold/);

    const live = await createRecordedSession({ endedDaysAgo: 0, protocol: "ssh", status: "active" });
    await requestEarlyDeletion({ actor: admin, sessionId: live.session.id, reason: "mistake" });
    await expectAppError(confirmEarlyDeletion({ actor: admin2, sessionId: live.session.id }), 409, /still recording/);
    await cancelEarlyDeletion({ actor: admin, sessionId: live.session.id });
    await expectAppError(confirmEarlyDeletion({ actor: admin2, sessionId: live.session.id }), 409, /No early deletion/);
    expect((await auditOf("recording.deletion_cancelled", live.session.id)).length).toBe(1);
    expect((await recordingRow(live.recordingId)).deletedAt).toBeNull();
  });

  it("the preview never counts a held recording as due", async () => {
    const p = await previewPolicy({ policy: { defaultDays: 1, protocols: [], patterns: [] }, now: new Date() });
    expect(p.expiredButHeld).toBeGreaterThanOrEqual(2);
  });
});

describe("the list", () => {
  it("marks held sessions, filters by hold, and finds a search's sessions for a hold", async () => {
    const a = await createRecordedSession({ endedDaysAgo: 2, protocol: "ssh", host: "hold-list-a.example.test" });
    const b = await createRecordedSession({ endedDaysAgo: 2, protocol: "ssh", host: "hold-list-b.example.test" });
    const ids = await listSessionIdsMatching({ viewer: admin, filter: { q: "hold-list-" }, limit: 10 });
    expect(ids.sort()).toEqual([a.session.id, b.session.id].sort());
    await placeHolds({ actor: admin, sessionIds: [a.session.id], reason: "Search hold", scope: { search: { q: "hold-list-" } } });
    const page = await listSessions({ viewer: admin, filter: { q: "hold-list-" } });
    expect(Object.fromEntries(page.rows.map((r) => [r.id, r.held]))).toEqual({ [a.session.id]: true, [b.session.id]: false });
    const held = await listSessions({ viewer: admin, filter: { q: "hold-list-", held: true } });
    expect(held.rows.map((r) => r.id)).toEqual([a.session.id]);
    // A user sees only their own sessions, in a hold search too.
    const user = await createTestUser("user");
    expect(await listSessionIdsMatching({ viewer: user, filter: { q: "hold-list-" }, limit: 10 })).toEqual([]);
  });
});
