/**
 * Retention on write-once storage (STORAGE=s3, S3_OBJECT_LOCK=compliance):
 * recordings are written with the policy's retain-until and the hold's legal
 * hold, holds turn the objects' legal hold on and off, the report reads the
 * store's lock, and an early deletion the store refuses is reported as
 * refused (never as done) until the lock ends. Real PostgreSQL; the store is
 * a stub of the SDK client (aws-sdk-client-mock) that keeps versions and
 * refuses to delete a locked one, as S3 does: no local S3 server here has
 * Object Lock.
 */
import { createHash } from "node:crypto";
import { rm } from "node:fs/promises";
import { Readable } from "node:stream";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

const dataDir = vi.hoisted(() => {
  const dir = `/tmp/sv-retention-lock-${process.pid}-${Date.now()}`;
  Object.assign(process.env, {
    DATA_DIR: dir,
    STORAGE: "s3",
    S3_BUCKET: "evidence",
    S3_ENDPOINT: "http://127.0.0.1:1",
    S3_ACCESS_KEY_ID: "a",
    S3_SECRET_ACCESS_KEY: "b",
    S3_PREFIX: "",
    S3_CACHE_MB: "0",
    S3_OBJECT_LOCK: "compliance",
  });
  return dir;
});

import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  GetObjectLegalHoldCommand,
  GetObjectRetentionCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutObjectCommand,
  PutObjectLegalHoldCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { db } from "@/lib/db/client";
import { auditLog, recordings } from "@/lib/db/schema";
import {
  changeRetentionPolicy,
  confirmEarlyDeletion,
  expireRecordings,
  getSessionRetention,
  getTombstone,
  installObjectLock,
  lockOfKey,
  placeHolds,
  releaseHold,
  requestEarlyDeletion,
} from "@/lib/retention";
import { listHoldsOfSession } from "@/lib/retention/queries";
import { storageKeys } from "@/lib/storage";
import { closeDb, useFreshDatabase } from "../support/db";
import { createRecordedSession } from "../support/retention-fixtures";
import { createTestUser } from "../support/users";

// ─── A versioned store with Object Lock ──────────────────────────────────────

type Version = { id: string; body: Buffer | null; mode?: string; until?: Date; hold: boolean; at: Date };
const store = new Map<string, Version[]>();
let versionSeq = 0;
const fail = (name: string, status: number) =>
  new S3ServiceException({ name, $fault: status >= 500 ? "server" : "client", $metadata: { httpStatusCode: status }, message: name });
const current = (key: string) => {
  const v = store.get(key)?.at(-1);
  return v && v.body ? v : null;
};
const locked = (v: Version) => v.hold || (v.until !== undefined && v.until.getTime() > Date.now());
async function bytesOf(body: unknown): Promise<Buffer> {
  if (body instanceof Uint8Array) return Buffer.from(body);
  if (typeof body === "string") return Buffer.from(body);
  const parts: Buffer[] = [];
  for await (const p of body as AsyncIterable<Uint8Array>) parts.push(Buffer.from(p));
  return Buffer.concat(parts);
}

const s3 = mockClient(S3Client);
function stubStore() {
  s3.on(HeadBucketCommand).resolves({});
  s3.on(PutObjectCommand).callsFake(async (input) => {
    const body = await bytesOf(input.Body);
    const v: Version = {
      id: `v${++versionSeq}`,
      body,
      mode: input.ObjectLockMode,
      until: input.ObjectLockRetainUntilDate ? new Date(input.ObjectLockRetainUntilDate) : undefined,
      hold: input.ObjectLockLegalHoldStatus === "ON",
      at: new Date(),
    };
    store.set(input.Key!, [...(store.get(input.Key!) ?? []), v]);
    return { VersionId: v.id, ChecksumSHA256: createHash("sha256").update(body).digest("base64") };
  });
  s3.on(HeadObjectCommand).callsFake(async (input) => {
    const v = current(input.Key!);
    if (!v) throw fail("NotFound", 404);
    return { ContentLength: v.body!.length, LastModified: v.at };
  });
  s3.on(GetObjectCommand).callsFake(async (input) => {
    const v = current(input.Key!);
    if (!v) throw fail("NoSuchKey", 404);
    const size = v.body!.length;
    const m = /^bytes=(\d+)-(\d+)$/.exec(input.Range ?? "");
    const [start, end] = m ? [Number(m[1]), Math.min(Number(m[2]), size - 1)] : [0, size - 1];
    return { Body: Readable.from([v.body!.subarray(start, end + 1)]) as never, ContentRange: `bytes ${start}-${end}/${size}`, ContentLength: end - start + 1 };
  });
  s3.on(ListObjectsV2Command).callsFake(async (input) => ({
    Contents: [...store.keys()]
      .filter((k) => k.startsWith(input.Prefix ?? "") && current(k))
      .sort()
      .map((k) => ({ Key: k, Size: current(k)!.body!.length, LastModified: current(k)!.at })),
  }));
  s3.on(ListObjectVersionsCommand).callsFake(async (input) => {
    const all = [...store.entries()].filter(([k]) => k.startsWith(input.Prefix ?? "")).flatMap(([k, vs]) => vs.map((v) => ({ k, v })));
    return {
      Versions: all.filter(({ v }) => v.body).map(({ k, v }) => ({ Key: k, VersionId: v.id })),
      DeleteMarkers: all.filter(({ v }) => !v.body).map(({ k, v }) => ({ Key: k, VersionId: v.id })),
    };
  });
  s3.on(DeleteObjectCommand).callsFake(async (input) => {
    const versions = store.get(input.Key!) ?? [];
    if (!input.VersionId) {
      store.set(input.Key!, [...versions, { id: `m${++versionSeq}`, body: null, hold: false, at: new Date() }]);
      return {};
    }
    const v = versions.find((x) => x.id === input.VersionId);
    if (!v) return {};
    if (v.body && locked(v)) throw fail("AccessDenied", 403);
    store.set(
      input.Key!,
      versions.filter((x) => x !== v),
    );
    if (store.get(input.Key!)!.length === 0) store.delete(input.Key!);
    return {};
  });
  s3.on(GetObjectRetentionCommand).callsFake(async (input) => {
    const v = current(input.Key!);
    if (!v) throw fail("NoSuchKey", 404);
    if (!v.until) throw fail("NoSuchObjectLockConfiguration", 404);
    return { Retention: { Mode: v.mode as "COMPLIANCE", RetainUntilDate: v.until } };
  });
  s3.on(GetObjectLegalHoldCommand).callsFake(async (input) => {
    const v = current(input.Key!);
    if (!v) throw fail("NoSuchKey", 404);
    return { LegalHold: { Status: v.hold ? "ON" : "OFF" } };
  });
  s3.on(PutObjectLegalHoldCommand).callsFake(async (input) => {
    const v = store.get(input.Key!)?.find((x) => x.id === input.VersionId);
    if (!v) throw fail("NoSuchVersion", 404);
    if (!v.body) throw fail("MethodNotAllowed", 405);
    v.hold = input.LegalHold?.Status === "ON";
    return {};
  });
  s3.on(CopyObjectCommand).rejects(fail("NotImplemented", 501));
}

let admin: Awaited<ReturnType<typeof createTestUser>>;
let admin2: Awaited<ReturnType<typeof createTestUser>>;
beforeAll(async () => {
  stubStore();
  installObjectLock();
  await useFreshDatabase();
  admin = await createTestUser("admin");
  admin2 = await createTestUser("admin");
  await changeRetentionPolicy({ actor: admin, policy: { defaultDays: 30, protocols: [{ protocol: "rdp", days: null }], patterns: [] } });
});
afterAll(async () => {
  s3.restore();
  await closeDb();
  await rm(dataDir, { recursive: true, force: true });
});

const DAY = 24 * 60 * 60 * 1000;
const evidenceKeys = (id: number) => [0, 1, 2].map((seq) => storageKeys.chunk(id, seq)).concat(storageKeys.media(id));
const auditOf = (action: string, sessionId: number) =>
  db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.action, action), eq(auditLog.targetId, String(sessionId))));

describe("write-once storage", () => {
  it("writes a recording's chunks and media locked until its period has run from the write, and nothing else", async () => {
    const before = Date.now();
    const c = await createRecordedSession({ endedDaysAgo: 1 });
    for (const key of evidenceKeys(c.recordingId)) {
      const v = current(key)!;
      expect(v.mode, key).toBe("COMPLIANCE");
      expect(v.until!.getTime(), key).toBeGreaterThanOrEqual(before + 30 * DAY);
      expect(v.until!.getTime(), key).toBeLessThanOrEqual(Date.now() + 30 * DAY);
      expect(v.hold).toBe(false);
    }
    // The playable file is made again from the media: not locked.
    expect(current(storageKeys.playable(c.recordingId, "g1"))?.until).toBeUndefined();
    // "Forever" asks for no retain-until of its own.
    const rdp = await createRecordedSession({ endedDaysAgo: 1, protocol: "rdp" });
    expect(current(storageKeys.media(rdp.recordingId))?.until).toBeUndefined();
    expect(await lockOfKey(storageKeys.media(rdp.recordingId))).toEqual({ retainUntil: null, legalHold: false });
  });

  it("shows the store's lock on the report", async () => {
    const c = await createRecordedSession({ endedDaysAgo: 1 });
    const r = await getSessionRetention({ ...c.session, recordingId: c.recordingId });
    expect(r.storeLock).toMatchObject({ mode: "COMPLIANCE", legalHold: false, key: storageKeys.media(c.recordingId) });
    expect((r.storeLock as { retainUntil: Date }).retainUntil.getTime()).toBeGreaterThan(Date.now() + 29 * DAY);
  });

  it("a legal hold turns on the objects' legal hold, new writes carry it, and its release turns it off", async () => {
    const c = await createRecordedSession({ endedDaysAgo: 1 });
    const placed = await placeHolds({ actor: admin, sessionIds: [c.session.id], reason: "Case 12", scope: {} });
    expect(placed.store).toEqual({ objects: 4, failed: 0, error: null });
    for (const key of evidenceKeys(c.recordingId)) expect(current(key)?.hold, key).toBe(true);
    expect(current(storageKeys.playable(c.recordingId, "g1"))?.hold).toBe(false);
    expect(await lockOfKey(storageKeys.chunk(c.recordingId, 3))).toMatchObject({ legalHold: true });
    expect((await getSessionRetention({ ...c.session, recordingId: c.recordingId })).storeLock).toMatchObject({ legalHold: true });

    const [hold] = await listHoldsOfSession({ sessionId: c.session.id });
    await releaseHold({ actor: admin, holdId: hold!.id, reason: "Case closed" });
    for (const key of evidenceKeys(c.recordingId)) expect(current(key)?.hold, key).toBe(false);
  });

  it("an early deletion the store refuses is reported as refused, audited once, and finished once the lock ends", async () => {
    const c = await createRecordedSession({ endedDaysAgo: 1 });
    await requestEarlyDeletion({ actor: admin, sessionId: c.session.id, reason: "Recorded by mistake" });
    const purge = await confirmEarlyDeletion({ actor: admin2, sessionId: c.session.id });
    expect(purge).toMatchObject({ refused: 4, reason: expect.stringMatching(/refused to delete .*Object Lock keeps it under COMPLIANCE retention until/) });
    // The bytes are still in the store; what is not evidence went.
    for (const key of evidenceKeys(c.recordingId)) expect(current(key), key).not.toBeNull();
    expect(store.has(storageKeys.playable(c.recordingId, "g1"))).toBe(false);

    const tombstone = await getTombstone({ sessionId: c.session.id });
    expect(tombstone).toMatchObject({ purgedAt: null, purgeRefusedReason: expect.stringMatching(/^4 of 5 object\(s\) refused by the store: /) });
    expect(tombstone?.purgeRefusedAt).toBeInstanceOf(Date);
    const [refusal] = await auditOf("recording.purge_refused", c.session.id);
    expect(refusal?.details).toMatchObject({ recordingId: c.recordingId, refused: 4, removed: 1 });
    expect(await auditOf("recording.deleted", c.session.id)).toHaveLength(1);

    // The job tries again: still refused, not audited twice.
    await expireRecordings();
    expect(await auditOf("recording.purge_refused", c.session.id)).toHaveLength(1);
    expect((await getTombstone({ sessionId: c.session.id }))?.purgedAt).toBeNull();

    // The lock ends: the next run deletes every version and marks the purge done.
    for (const key of evidenceKeys(c.recordingId)) for (const v of store.get(key)!) v.until = new Date(Date.now() - 1000);
    await expireRecordings();
    for (const key of evidenceKeys(c.recordingId)) expect(store.has(key), key).toBe(false);
    const [row] = await db.select().from(recordings).where(eq(recordings.id, c.recordingId));
    expect(row?.purgedAt).toBeInstanceOf(Date);
  });
});
