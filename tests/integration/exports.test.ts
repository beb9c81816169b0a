import { rm } from "node:fs/promises";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// The storage root comes from DATA_DIR, read once when lib/env.ts loads.
const dataDir = vi.hoisted(() => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- vi.hoisted runs before this file's imports
  const dir = `${require("node:os").tmpdir()}/sv-exports-test-${process.pid}-${Date.now()}`;
  process.env.DATA_DIR = dir;
  return dir;
});

import { db } from "@/lib/db/client";
import { videoExports } from "@/lib/db/schema";
import { type Role } from "@/lib/domain/roles";
import { setParameter } from "@/lib/settings/queries";
import { cancelExportRow, createOrGetLiveExport, getExportById, getRecipientEmail, listUnnotifiedRecipients } from "@/lib/exports/queries";
import { lockExport, runExportConversion } from "@/lib/exports/convert";
import { planConversion } from "@/lib/exports/plan";
import { buildCues, toWebVtt } from "@/lib/exports/subtitles";
import { cancelExport, getExportForPage, requestExport } from "@/lib/exports";
import { listOutbox } from "@/lib/email";
import { cleanupExportsHandler } from "@/lib/exports/jobs/cleanup-exports";
import { sendExportEmailHandler } from "@/lib/exports/jobs/send-export-email";
import { stopBoss } from "@/lib/jobs/queue";
import { getStorage } from "@/lib/storage";
import { closeDb, useFreshDatabase } from "../support/db";
import { createSessionWithRecording, makeRecordingFile, makeScreenRecording, probe, type MediaKind } from "../support/export-fixtures";
import { createTestUser } from "../support/users";

const cleanups: (() => Promise<void>)[] = [];
let admin: Awaited<ReturnType<typeof createTestUser>>;

beforeAll(async () => {
  await useFreshDatabase();
  admin = await createTestUser("admin");
});
afterAll(async () => {
  for (const c of cleanups) await c();
  await stopBoss();
  await closeDb();
  await rm(dataDir, { recursive: true, force: true });
});

/** A test account as the viewer the app's functions take. */
const viewer = (u: { id: string; email: string; name: string; role: Role }) => ({ id: u.id, email: u.email, name: u.name, role: u.role });

async function sessionWith(kind: MediaKind, options: { seconds?: number; size?: string } = {}) {
  const media = await makeRecordingFile(kind, options);
  cleanups.push(media.cleanup);
  return createSessionWithRecording({ storage: getStorage(), file: media.file, kind });
}

async function newExport(sessionId: number, format: "mp4" | "webm", watermark = false) {
  const { export: row } = await createOrGetLiveExport({
    sessionId,
    requestedBy: admin.id,
    format,
    watermark,
    optionsKey: `${format}${watermark ? "+watermark" : ""}`,
  });
  return row;
}

async function exportedFile(id: string) {
  const row = await getExportById({ id });
  expect(row?.status, row?.error ?? "").toBe("done");
  const local = await getStorage().localPath(row!.storageKey!);
  return { row: row!, file: local.path };
}

describe("converting a recording into the video for download", () => {
  it("stream-copies H.264/AAC into MP4 with the keystroke log as a mov_text track", async () => {
    const { session, recording } = await sessionWith("h264-aac-mp4");
    const exp = await newExport(session.id, "mp4");
    expect(await runExportConversion({ exportId: exp.id })).toBe("done");
    const { row, file } = await exportedFile(exp.id);
    const info = await probe(file);
    expect(Math.abs(info.durationMs - recording.durationMs!)).toBeLessThan(150);
    expect(info.streams.map((s) => `${s.codec_type}:${s.codec_name}`)).toEqual(["video:h264", "audio:aac", "subtitle:mov_text"]);
    expect(row.sizeBytes).toBeGreaterThan(10_000);
    expect(row.progress).toBe(1);
    expect(row.emailStatus).toBe("pending");
    expect(row.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 6 * 86_400_000);
  });

  it("is no longer than the recording: a last cue running past the video is cut at its end", async () => {
    const media = await makeRecordingFile("h264-aac-mp4", { seconds: 3 });
    cleanups.push(media.cleanup);
    // A key at 2.8 s: its cue would linger 4 s, past the 3 s of video.
    const { session, recording } = await createSessionWithRecording({
      storage: getStorage(),
      file: media.file,
      kind: "h264-aac-mp4",
      events: [{ tMs: 2800, type: "key", data: { key: "q" } }],
    });
    for (const format of ["mp4", "webm"] as const) {
      const exp = await newExport(session.id, format);
      expect(await runExportConversion({ exportId: exp.id })).toBe("done");
      const { row, file } = await exportedFile(exp.id);
      const info = await probe(file);
      expect(Math.abs(info.durationMs - recording.durationMs!), format).toBeLessThan(150);
      // The "Time" the pages and the email show.
      expect(Math.abs(row.durationMs! - recording.durationMs!), format).toBeLessThan(150);
    }
  });

  it("transcodes VP9 into MP4 and H.264 into WebM, with WebVTT subtitles in WebM", async () => {
    const vp9 = await sessionWith("vp9-opus-webm", { seconds: 4 });
    const toMp4 = await newExport(vp9.session.id, "mp4");
    expect(await runExportConversion({ exportId: toMp4.id })).toBe("done");
    const mp4 = await probe((await exportedFile(toMp4.id)).file);
    expect(mp4.streams.map((s) => s.codec_name)).toEqual(["h264", "aac", "mov_text"]);
    expect(Math.abs(mp4.durationMs - vp9.recording.durationMs!)).toBeLessThan(200);

    const h264 = await sessionWith("h264-aac-mp4", { seconds: 4 });
    const toWebm = await newExport(h264.session.id, "webm");
    expect(await runExportConversion({ exportId: toWebm.id })).toBe("done");
    const webm = await probe((await exportedFile(toWebm.id)).file);
    expect(webm.streams.map((s) => s.codec_name)).toEqual(["vp9", "opus", "webvtt"]);
  });

  it("chooses stream copy only when the picture fits and no watermark is asked for", () => {
    const base = { source: "in", output: "out", subtitles: null, fontFile: null, title: "t" };
    const h264 = { videoCodec: "h264", audioCodec: "aac", hasAudio: true, height: 720 };
    expect(planConversion({ ...base, format: "mp4", facts: h264, watermarkFile: null }).mode).toBe("copy");
    const marked = planConversion({ ...base, format: "mp4", facts: h264, watermarkFile: "/tmp/wm.txt" });
    expect(marked.mode).toBe("transcode");
    expect(marked.args.join(" ")).toMatch(/drawtext=.*textfile=/);
    expect(planConversion({ ...base, format: "webm", facts: h264, watermarkFile: null }).mode).toBe("transcode");
    const vp8 = { videoCodec: "vp8", audioCodec: "vorbis", hasAudio: true, height: 720 };
    expect(planConversion({ ...base, format: "webm", facts: vp8, watermarkFile: null }).mode).toBe("copy");
    // Video fits but the audio does not: the picture is copied, the sound re-encoded.
    const opus = planConversion({ ...base, format: "mp4", facts: { ...h264, audioCodec: "opus" }, watermarkFile: null });
    expect(opus.mode).toBe("copy");
    expect(opus.args.join(" ")).toContain("-c:a aac");
  });

  it("burns a watermark in (transcode) and the file still plays for the whole duration", async () => {
    const { session, recording } = await sessionWith("h264-aac-mp4", { seconds: 3 });
    const exp = await newExport(session.id, "mp4", true);
    expect(await runExportConversion({ exportId: exp.id })).toBe("done");
    const info = await probe((await exportedFile(exp.id)).file);
    expect(Math.abs(info.durationMs - recording.durationMs!)).toBeLessThan(200);
  });

  it("marks the export failed with ffmpeg's reason when the source is broken", async () => {
    const { session } = await sessionWith("garbage");
    const exp = await newExport(session.id, "mp4");
    expect(await runExportConversion({ exportId: exp.id })).toBe("failed");
    const row = await getExportById({ id: exp.id });
    expect(row?.status).toBe("failed");
    expect(row?.error).toMatch(/^recording: Invalid data found when processing input$/m);
    expect(row?.error).not.toContain(dataDir);
    expect(row?.storageKey).toBeNull();
    // Failed exports leave the way free for a new attempt (Retry).
    const again = await newExport(session.id, "mp4");
    expect(again.id).not.toBe(exp.id);
  });

  it("stops ffmpeg when the export is cancelled and stores nothing", async () => {
    const media = await makeScreenRecording({ seconds: 180 });
    cleanups.push(media.cleanup);
    const { session } = await createSessionWithRecording({ storage: getStorage(), file: media.file, kind: "h264-aac-mp4" });
    const exp = await newExport(session.id, "mp4", true);
    const run = runExportConversion({ exportId: exp.id });
    const deadline = Date.now() + 30_000;
    for (;;) {
      const row = await getExportById({ id: exp.id });
      if (row?.status === "running" && row.progress > 0) break;
      if (Date.now() > deadline) throw new Error(`no progress: ${row?.status} ${row?.error}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const cancelledAt = Date.now();
    expect(await cancelExportRow({ id: exp.id })).not.toBeNull();
    expect(await run).toBe("cancelled");
    expect(Date.now() - cancelledAt).toBeLessThan(5_000);
    const row = await getExportById({ id: exp.id });
    expect(row?.status).toBe("cancelled");
    expect(row?.storageKey).toBeNull();
    const files = [];
    for await (const o of getStorage().list(`exports/${exp.id}/`)) files.push(o);
    expect(files).toEqual([]);
  });

  it("does nothing while another worker holds the export, and restarts an interrupted one from scratch", async () => {
    const { session } = await sessionWith("h264-aac-mp4", { seconds: 3 });
    const exp = await newExport(session.id, "mp4");
    const held = await lockExport(exp.id);
    expect(held).not.toBeNull();
    expect(await runExportConversion({ exportId: exp.id })).toBe("skipped");
    await held!.release();
    // A worker that died mid-run leaves "running" behind with no lock.
    await db.update(videoExports).set({ status: "running", progress: 0.4 }).where(eq(videoExports.id, exp.id));
    expect(await runExportConversion({ exportId: exp.id })).toBe("done");
    expect(await runExportConversion({ exportId: exp.id })).toBe("skipped");
  });
});

describe("requesting a video", () => {
  it("is refused while the parameter is off, hides other users' sessions, and reuses a live export", async () => {
    const auditor = await createTestUser("auditor");
    const user = await createTestUser("user");
    const { session } = await sessionWith("h264-aac-mp4", { seconds: 2 });
    await setParameter({ key: "remote_session.video_download_enabled", value: false, updatedBy: admin.id });
    await expect(requestExport({ hash: session.hash, viewer: viewer(auditor), ip: null })).rejects.toMatchObject({ status: 403 });
    await setParameter({ key: "remote_session.video_download_enabled", value: true, updatedBy: admin.id });
    await expect(requestExport({ hash: session.hash, viewer: viewer(user), ip: null })).rejects.toMatchObject({ status: 404 });
    const first = await requestExport({ hash: session.hash, viewer: viewer(auditor), ip: "10.1.1.1" });
    expect(first.created).toBe(true);
    const second = await requestExport({ hash: session.hash, viewer: viewer(admin), ip: null });
    expect(second.created).toBe(false);
    expect(second.export.id).toBe(first.export.id);
  });
});

describe("after the conversion", () => {
  it("without RESEND_API_KEY the email goes to the outbox with the report link, and the export says so", async () => {
    const { session } = await sessionWith("h264-aac-mp4", { seconds: 2 });
    const exp = await newExport(session.id, "mp4");
    expect(await runExportConversion({ exportId: exp.id })).toBe("done");
    await sendExportEmailHandler.handle({ exportId: exp.id }, {} as never);
    const row = await getExportById({ id: exp.id });
    expect(row?.emailStatus).toBe("outbox");
    const outbox = await listOutbox();
    const email = outbox.find((e) => e.subject.includes(session.hash));
    expect(email).toMatchObject({ to: admin.email, transport: "outbox" });
    expect(email!.text).toContain(`/sessions/${session.hash}`);
    expect(email!.text).toMatch(/Size: \d+(\.\d)? (KB|MB)/);
    expect(email!.html).toContain(`href="`);
    // Running it again (a retried job) sends nothing more.
    await sendExportEmailHandler.handle({ exportId: exp.id }, {} as never);
    expect((await listOutbox()).filter((e) => e.subject.includes(session.hash))).toHaveLength(1);
  });

  it("emails everyone who asked for the video while it was being converted, each once", async () => {
    const auditor = await createTestUser("auditor");
    const second = await createTestUser("auditor");
    const { session } = await sessionWith("h264-aac-mp4", { seconds: 2 });
    await setParameter({ key: "remote_session.video_download_enabled", value: true, updatedBy: admin.id });
    const first = await requestExport({ hash: session.hash, viewer: viewer(auditor), ip: null });
    expect(first.created).toBe(true);
    // The second person joins the running conversion; the requester asking again adds nobody.
    expect((await requestExport({ hash: session.hash, viewer: viewer(second), ip: null })).export.id).toBe(first.export.id);
    await requestExport({ hash: session.hash, viewer: viewer(second), ip: null });
    await requestExport({ hash: session.hash, viewer: viewer(auditor), ip: null });
    expect(await listUnnotifiedRecipients({ exportId: first.export.id })).toEqual([second.id]);

    expect(await runExportConversion({ exportId: first.export.id })).toBe("done");
    await sendExportEmailHandler.handle({ exportId: first.export.id }, {} as never);
    await sendExportEmailHandler.handle({ exportId: first.export.id, userId: second.id }, {} as never);
    await sendExportEmailHandler.handle({ exportId: first.export.id, userId: second.id }, {} as never); // a retried job
    const sent = (await listOutbox()).filter((e) => e.subject.includes(session.hash));
    expect(sent.map((e) => e.to).sort()).toEqual([auditor.email, second.email].sort());
    expect(await listUnnotifiedRecipients({ exportId: first.export.id })).toEqual([]);
    // The download page tells each one about their own email.
    const page = await getExportForPage({ session, viewer: viewer(second) });
    expect(page.ownEmail).toEqual({ emailStatus: "outbox", emailError: null });
    expect((await getExportForPage({ session, viewer: viewer(auditor) })).ownEmail).toBeNull();
    // Asking once it is done needs no email: the video is there to download.
    const third = await createTestUser("auditor");
    expect((await requestExport({ hash: session.hash, viewer: viewer(third), ip: null })).export.status).toBe("done");
    expect(await getRecipientEmail({ exportId: first.export.id, userId: third.id })).toBeNull();
  });

  it("deletes videos past their retention and marks them expired", async () => {
    const { session } = await sessionWith("h264-aac-mp4", { seconds: 2 });
    const exp = await newExport(session.id, "mp4");
    expect(await runExportConversion({ exportId: exp.id })).toBe("done");
    const done = (await getExportById({ id: exp.id }))!;
    expect(await getStorage().stat(done.storageKey!)).not.toBeNull();
    await db
      .update(videoExports)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(videoExports.id, exp.id));
    await cleanupExportsHandler.handle({}, {} as never);
    expect((await getExportById({ id: exp.id }))?.status).toBe("expired");
    expect(await getStorage().stat(done.storageKey!)).toBeNull();
  });

  it("re-sends a conversion whose job was lost, once", async () => {
    const { session } = await sessionWith("h264-aac-mp4", { seconds: 2 });
    const exp = await newExport(session.id, "webm");
    await db
      .update(videoExports)
      .set({ createdAt: new Date(Date.now() - 5 * 60_000) })
      .where(eq(videoExports.id, exp.id));
    const jobsFor = async () => (await db.execute(sql`select state from pgboss.job where name = 'convert-video' and data->>'exportId' = ${exp.id}`)).rows;
    expect(await jobsFor()).toHaveLength(0);
    await cleanupExportsHandler.handle({}, {} as never);
    expect(await jobsFor()).toEqual([{ state: "created" }]);
    await cleanupExportsHandler.handle({}, {} as never);
    expect(await jobsFor()).toHaveLength(1);
  });

  it("lets only the requester or an admin cancel", async () => {
    const requester = await createTestUser("auditor");
    const other = await createTestUser("auditor");
    const { session } = await sessionWith("h264-aac-mp4", { seconds: 2 });
    const { export: exp } = await createOrGetLiveExport({
      sessionId: session.id,
      requestedBy: requester.id,
      format: "mp4",
      watermark: false,
      optionsKey: "mp4-cancel-test",
    });
    await expect(cancelExport({ id: exp.id, viewer: other, ip: null })).rejects.toMatchObject({ status: 403 });
    await cancelExport({ id: exp.id, viewer: requester, ip: null });
    expect((await getExportById({ id: exp.id }))?.status).toBe("cancelled");
    await expect(cancelExport({ id: exp.id, viewer: admin, ip: null })).rejects.toMatchObject({ status: 409 });
  });
});

describe("keystroke log subtitles", () => {
  it("groups keys into lines at Enter and after a 5 s pause, masks secrets, and adds queries", () => {
    const cues = buildCues([
      { tMs: 0, type: "key", data: { key: "l" } },
      { tMs: 100, type: "key", data: { key: "s" } },
      { tMs: 200, type: "key", data: { key: "Enter" } },
      { tMs: 1000, type: "key", data: { key: "p", masked: true } },
      { tMs: 7000, type: "key", data: { key: "c", modifiers: ["ctrl"] } },
      { tMs: 9000, type: "query", data: { statement: "select 1", outcome: "success", rowsAffected: 1 } },
      { tMs: 15000, type: "query", data: { statement: "drop table t", outcome: "error", errorMessage: "permission denied" } },
    ]);
    expect(cues.map((c) => c.text)).toEqual(["ls⏎", "•••", "<Ctrl+c>", "select 1\n→ success, 1 rows", "drop table t\n→ error: permission denied"]);
    expect(cues[0]!.endMs).toBeLessThanOrEqual(cues[1]!.startMs);
    expect(toWebVtt(cues)).toMatch(/^WEBVTT\n\n00:00:00\.000 --> 00:00:01\.000\nls⏎/);
  });
});
