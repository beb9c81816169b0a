/**
 * Clips: a range of a recording through the same conversion as the full
 * video. The clip lasts what was asked to the frame and starts on the frame
 * of its start (not the keyframe before it); its subtitles are the clip's;
 * one clip per session, range and options; a range outside the recording is
 * refused naming the field; the request is audited with its range. Between
 * its edges a clip is the recording's own packets (only the part before the
 * first keyframe, and with B-frames the part after the last, is encoded
 * again); a watermark encodes it whole.
 */
import { rm } from "node:fs/promises";
import { and, eq } from "drizzle-orm";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

const dataDir = vi.hoisted(() => {
  const dir = `/tmp/sv-clips-int-${process.pid}-${Date.now()}`;
  process.env.DATA_DIR = dir;
  return dir;
});

import { db } from "@/lib/db/client";
import { auditLog } from "@/lib/db/schema";
import { type Role } from "@/lib/domain/roles";
import { downloadFileName, requestExport } from "@/lib/exports";
import { runExportConversion } from "@/lib/exports/convert";
import { getExportById } from "@/lib/exports/queries";
import { cuesOfClip } from "@/lib/exports/subtitles";
import { stopBoss } from "@/lib/jobs/queue";
import { ffmpegPath, ffprobePath } from "@/lib/media/binaries";
import { setParameter } from "@/lib/settings/queries";
import { getStorage } from "@/lib/storage";
import { closeDb, useFreshDatabase } from "../support/db";
import { createSessionWithRecording, makeRecordingFile, makeScreenRecording } from "../support/export-fixtures";
import { grayPixels, meanDifference } from "../support/frames";
import { createTestUser } from "../support/users";

const cleanups: (() => Promise<void>)[] = [];
let auditor: Awaited<ReturnType<typeof createTestUser>>;
const viewer = (u: { id: string; email: string; name: string; role: Role }) => ({ id: u.id, email: u.email, name: u.name, role: u.role });
const FPS = 15;

beforeAll(async () => {
  await useFreshDatabase();
  auditor = await createTestUser("auditor");
  await setParameter({ key: "remote_session.video_download_enabled", value: true, updatedBy: auditor.id });
});
afterAll(async () => {
  for (const c of cleanups) await c();
  await stopBoss();
  await closeDb();
  await rm(dataDir, { recursive: true, force: true });
});

async function videoFacts(file: string) {
  const { stdout } = await execa(ffprobePath(), [
    "-v",
    "error",
    "-select_streams",
    "v:0",
    "-count_frames",
    "-show_entries",
    "stream=nb_read_frames,duration,start_time",
    "-of",
    "json",
    file,
  ]);
  const [stream] = (JSON.parse(stdout) as { streams: { nb_read_frames: string; duration: string; start_time: string }[] }).streams;
  return { frames: Number(stream!.nb_read_frames), durationS: Number(stream!.duration), startS: Number(stream!.start_time) };
}

type Packet = { t: number; key: boolean; hash: string };

/** The video packets of a file in decode order: display time, keyframe, MD5 of the bytes. */
async function videoPackets(file: string): Promise<Packet[]> {
  const { stdout } = await execa(
    ffprobePath(),
    ["-v", "error", "-select_streams", "v:0", "-show_entries", "packet=pts_time,flags,data_hash", "-show_data_hash", "MD5", "-of", "csv=p=0", file],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  return stdout
    .split("\n")
    .filter((l) => l.trim())
    .map((line) => {
      const [t, flags, hash] = line.split(",");
      return { t: Number(t), key: flags!.startsWith("K"), hash: hash! };
    });
}

/** The source's keyframes in [fromS, toS), moved to the clip's time. */
const keysIn = (packets: Packet[], fromS: number, toS: number) =>
  packets.filter((p) => p.key && p.t >= fromS - 0.0005 && p.t < toS - 0.0005).map((p) => +(p.t - fromS).toFixed(3));

async function convertClip(file: string, clip: { startMs: number; endMs: number }, options: { watermark?: boolean } = {}) {
  const { session } = await createSessionWithRecording({ storage: getStorage(), file, kind: "h264-aac-mp4" });
  if (options.watermark) await setParameter({ key: "remote_session.download_watermark", value: true, updatedBy: auditor.id });
  try {
    const requested = await requestExport({ hash: session.hash, viewer: viewer(auditor), ip: null, clip });
    expect(requested.export.watermark).toBe(options.watermark === true);
    expect(await runExportConversion({ exportId: requested.export.id })).toBe("done");
    const row = (await getExportById({ id: requested.export.id }))!;
    return (await getStorage().localPath(row.storageKey!)).path;
  } finally {
    if (options.watermark) await setParameter({ key: "remote_session.download_watermark", value: false, updatedBy: auditor.id });
  }
}

describe("clips", () => {
  it("converts 10 s from the middle, exact to the frame, starting on the frame of its start", async () => {
    const media = await makeRecordingFile("h264-aac-mp4", { seconds: 30, rate: FPS });
    cleanups.push(media.cleanup);
    const { session } = await createSessionWithRecording({
      storage: getStorage(),
      file: media.file,
      kind: "h264-aac-mp4",
      events: [
        { tMs: 2000, type: "key", data: { key: "a" } },
        { tMs: 15_000, type: "key", data: { key: "w" } },
        { tMs: 15_100, type: "key", data: { key: "Enter" } },
      ],
    });
    // 13.4 s: between the keyframes at 12 and 14 s (one every 2 s).
    const clip = { startMs: 13_400, endMs: 23_400 };
    const requested = await requestExport({ hash: session.hash, viewer: viewer(auditor), ip: "10.2.2.2", clip });
    expect(requested.created).toBe(true);
    expect(requested.export).toMatchObject({ clipStartMs: 13_400, clipEndMs: 23_400 });
    expect(await runExportConversion({ exportId: requested.export.id })).toBe("done");
    const row = (await getExportById({ id: requested.export.id }))!;
    expect(row.status).toBe("done");
    const file = (await getStorage().localPath(row.storageKey!)).path;

    const facts = await videoFacts(file);
    expect(facts.frames).toBe(10 * FPS);
    expect(Math.abs(facts.durationS - 10)).toBeLessThanOrEqual(1 / FPS);
    expect(Math.abs((row.durationMs ?? 0) - 10_000)).toBeLessThanOrEqual(1000 / FPS + 30);

    // Its first frame is the recording's frame at 13.4 s, not the keyframe's at 12 s or a neighbour.
    const first = await grayPixels(file, "scale=160:90");
    const at = (s: number) => grayPixels(media.file, "scale=160:90", s);
    const same = meanDifference(first, await at(13.4));
    expect(same).toBeLessThan(3);
    for (const s of [12, 13.4 - 1 / FPS, 13.4 + 1 / FPS]) expect(meanDifference(first, await at(s))).toBeGreaterThan(same + 1);

    // The keystroke line typed at 15 s is in the clip's subtitles, 1.6 s in; the key at 2 s is not.
    const { stdout } = await execa(ffmpegPath(), ["-v", "error", "-i", file, "-map", "0:s:0", "-f", "webvtt", "-"]);
    expect(stdout).toContain("00:01.600 -->");
    expect(stdout).toContain("w⏎");
    expect(stdout).not.toContain("\na\n");

    // Between 14 s (the first keyframe) and the end the picture is the recording's own packets, its keyframes where they were;
    // only 13.4-14 s was encoded again. A clip encoded whole shares no packet with the recording.
    const source = await videoPackets(media.file);
    const out = await videoPackets(file);
    expect(out.filter((p) => p.key).map((p) => +p.t.toFixed(3))).toEqual([0, ...keysIn(source, 13.4, 23.4)]);
    const copied = source.filter((p) => !p.key && p.t >= 14 - 0.0005 && p.t < 23.4 - 0.0005).map((p) => p.hash);
    expect(copied.length).toBeGreaterThan(100);
    const outMiddle = out.filter((p) => !p.key && p.t >= 0.6 - 0.0005).map((p) => p.hash);
    expect(outMiddle).toEqual(copied);

    expect(downloadFileName(session, "mp4", row)).toMatch(/^session-[0-9a-f]{12}-\d{4}-\d{2}-\d{2}-clip-0h00m13s-0h00m23s\.mp4$/);
    const audit = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "export.requested"), eq(auditLog.targetId, session.hash)));
    expect(audit.map((a) => a.details)).toEqual([expect.objectContaining({ exportId: row.id, clip })]);
  });

  it("with B-frames, copies the GOPs between the first and the last keyframe and encodes both edges; it decodes cleanly, exact to the frame", async () => {
    const media = await makeRecordingFile("h264-aac-mp4", { seconds: 30, rate: FPS, bFrames: true });
    cleanups.push(media.cleanup);
    // 13.43 s and 23.43 s fall between frames (13.4 and 13.47): the clip shows the 150 frames from 13.47 to 23.4.
    const file = await convertClip(media.file, { startMs: 13_430, endMs: 23_430 });
    const facts = await videoFacts(file);
    expect(facts.frames).toBe(10 * FPS);
    expect(Math.abs(facts.durationS - 10)).toBeLessThanOrEqual(1 / FPS);
    const decoded = await execa(ffmpegPath(), ["-v", "error", "-i", file, "-f", "null", "-"]);
    expect(decoded.stderr.trim()).toBe("");

    const source = await videoPackets(media.file);
    const out = await videoPackets(file);
    // Keyframes at 0 (the head), the recording's 14…22 s, 22 s opening the encoded tail.
    expect(out.filter((p) => p.key).map((p) => +p.t.toFixed(3))).toEqual([0, ...keysIn(source, 13.43, 23.43)]);
    const copied = source.filter((p) => !p.key && p.t >= 14 - 0.0005 && p.t < 22 - 0.0005).map((p) => p.hash);
    const outMiddle = out.filter((p) => !p.key && p.t >= 0.57 - 0.0005 && p.t < 8.57 - 0.0005).map((p) => p.hash);
    expect(copied.length).toBeGreaterThan(100);
    expect(outMiddle).toEqual(copied);

    // Its first and last frames are the recording's at 13.47 s and 23.4 s, not their neighbours.
    const first = await grayPixels(file, "scale=160:90");
    const same = meanDifference(first, await grayPixels(media.file, "scale=160:90", 13.45));
    expect(same).toBeLessThan(3);
    // (-ss picks the first frame at or after a time: 13.39 s gives the frame at 13.4, 13.52 s the one at 13.53.)
    for (const s of [13.39, 13.52]) expect(meanDifference(first, await grayPixels(media.file, "scale=160:90", s))).toBeGreaterThan(same + 1);
    const last = await grayPixels(file, "scale=160:90", 10 - 1 / FPS);
    expect(meanDifference(last, await grayPixels(media.file, "scale=160:90", 23.4))).toBeLessThan(3);

    // An end two frames after a keyframe (22 s): x264 would encode those two without the delay, so the tail takes in the GOP before.
    const short = await convertClip(media.file, { startMs: 13_400, endMs: 22_130 });
    const shortFacts = await videoFacts(short);
    expect(shortFacts.frames).toBe(131);
    expect(Math.abs(shortFacts.durationS - 8.73)).toBeLessThanOrEqual(1 / FPS);
  });

  it("cuts a recording joined by stream copy (its picture a little after 0, frames between the clip's limits) to exactly the frames in its range", async () => {
    // Like the demo's and a proxy's long recordings: 10-s segments joined by stream copy; B-frames, a keyframe every 4 s.
    const media = await makeScreenRecording({ seconds: 30, segmentSeconds: 10, size: "640x360", rate: FPS });
    cleanups.push(media.cleanup);
    const clip = { startMs: 11_430, endMs: 25_430 };
    const source = await videoPackets(media.file);
    const shown = source.filter((p) => p.t >= 11.43 && p.t < 25.43);
    const file = await convertClip(media.file, clip);
    const out = await videoPackets(file);
    expect(out.length).toBe(shown.length);
    expect(Math.abs((await videoFacts(file)).durationS - 14)).toBeLessThanOrEqual(1 / FPS);
    expect((await execa(ffmpegPath(), ["-v", "error", "-i", file, "-f", "null", "-"])).stderr.trim()).toBe("");
    // The keyframes inside are where they were; the GOPs between the first and the last are the recording's packets.
    const keys = shown.filter((p) => p.key);
    expect(keys.length).toBeGreaterThanOrEqual(3);
    const inner = source.filter((p) => !p.key && p.t > keys[0]!.t && p.t < keys.at(-1)!.t).map((p) => p.hash);
    const outHashes = new Set(out.map((p) => p.hash));
    expect(inner.length).toBeGreaterThan(100);
    expect(inner.filter((h) => !outHashes.has(h))).toEqual([]);
    // The first frame is the recording's first frame at or after 11.43 s (a terminal changes little from one frame to
    // the next, so the count above is what tells the frames apart).
    const first = await grayPixels(file, "scale=160:90");
    expect(meanDifference(first, await grayPixels(media.file, "scale=160:90", shown[0]!.t - 0.01))).toBeLessThan(3);
  });

  it("encodes a watermarked clip whole: no packet of the recording is kept", async () => {
    const media = await makeRecordingFile("h264-aac-mp4", { seconds: 12, rate: FPS });
    cleanups.push(media.cleanup);
    const file = await convertClip(media.file, { startMs: 1_400, endMs: 9_400 }, { watermark: true });
    expect((await videoFacts(file)).frames).toBe(8 * FPS);
    const source = new Set((await videoPackets(media.file)).map((p) => p.hash));
    expect((await videoPackets(file)).filter((p) => source.has(p.hash))).toEqual([]);
  });

  it("keeps one clip per session, range and options, apart from the full video; refuses a range outside the recording", async () => {
    const media = await makeRecordingFile("h264-aac-mp4", { seconds: 4 });
    cleanups.push(media.cleanup);
    const { session } = await createSessionWithRecording({ storage: getStorage(), file: media.file, kind: "h264-aac-mp4" });
    const v = viewer(auditor);
    const full = await requestExport({ hash: session.hash, viewer: v, ip: null });
    const a = await requestExport({ hash: session.hash, viewer: v, ip: null, clip: { startMs: 1000, endMs: 3000 } });
    const again = await requestExport({ hash: session.hash, viewer: v, ip: null, clip: { startMs: 1000, endMs: 3000 } });
    const b = await requestExport({ hash: session.hash, viewer: v, ip: null, clip: { startMs: 1000, endMs: 2500 } });
    expect(new Set([full.export.id, a.export.id, b.export.id]).size).toBe(3);
    expect(again).toMatchObject({ created: false, export: { id: a.export.id } });
    expect(full.export).toMatchObject({ clipStartMs: null, clipEndMs: null });

    await expect(requestExport({ hash: session.hash, viewer: v, ip: null, clip: { startMs: 5000, endMs: 6000 } })).rejects.toMatchObject({
      status: 400,
      field: "clip",
    });
    await expect(requestExport({ hash: session.hash, viewer: v, ip: null, clip: { startMs: 2000, endMs: 2100 } })).rejects.toMatchObject({
      status: 400,
      field: "clip",
    });
    const other = await createTestUser("user");
    await expect(requestExport({ hash: session.hash, viewer: viewer(other), ip: null, clip: { startMs: 0, endMs: 1000 } })).rejects.toMatchObject({
      status: 404,
    });
    await setParameter({ key: "remote_session.video_download_enabled", value: false, updatedBy: auditor.id });
    await expect(requestExport({ hash: session.hash, viewer: v, ip: null, clip: { startMs: 0, endMs: 1000 } })).rejects.toMatchObject({ status: 403 });
    await setParameter({ key: "remote_session.video_download_enabled", value: true, updatedBy: auditor.id });
  });

  it("cuts the subtitle cues to the clip and counts them from its start", () => {
    const cues = [
      { startMs: 0, endMs: 4000, text: "before" },
      { startMs: 9000, endMs: 13_000, text: "across the start" },
      { startMs: 12_000, endMs: 14_000, text: "inside" },
      { startMs: 19_000, endMs: 23_000, text: "across the end" },
      { startMs: 20_000, endMs: 21_000, text: "after" },
    ];
    expect(cuesOfClip(cues, 10_000, 20_000)).toEqual([
      { startMs: 0, endMs: 3000, text: "across the start" },
      { startMs: 2000, endMs: 4000, text: "inside" },
      { startMs: 9000, endMs: 10_000, text: "across the end" },
    ]);
  });
});
