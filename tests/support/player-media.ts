/** Test media and session rows for the player tests: real ffmpeg output, real database rows. */
import { randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdtemp, readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { execa } from "execa";
import { db } from "@/lib/db/client";
import { recordings, remoteSessions, sessionEvents, type NewRemoteSession } from "@/lib/db/schema";
import { ffmpegPath } from "@/lib/media/binaries";
import type { Storage } from "@/lib/storage";
import { storageKeys } from "@/lib/storage/keys";

export type MediaKind = "h264" | "h264-long-gop" | "vp9";

/**
 * A test recording made by ffmpeg: a moving test picture (and a 440 Hz tone
 * when `audio`). "h264-long-gop" has a single keyframe every 20 s, as screen
 * recorders often produce. `still: [from, to]` holds one plain picture from
 * `from` to `to` seconds: a stretch where the screen does not change.
 */
export async function makeMedia(input: {
  seconds: number;
  kind: MediaKind;
  audio?: boolean;
  size?: string;
  fps?: number;
  still?: [from: number, to: number];
}): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "sv-media-"));
  const fps = input.fps ?? 15;
  const size = input.size ?? "640x360";
  const webm = input.kind === "vp9";
  const file = path.join(dir, webm ? "media.webm" : "media.mp4");
  const args = ["-hide_banner", "-loglevel", "error", "-y"];
  if (input.still) {
    const [from, to] = input.still;
    args.push("-f", "lavfi", "-i", `testsrc2=size=${size}:rate=${fps}:d=${from}`);
    args.push("-f", "lavfi", "-i", `color=c=gray:size=${size}:rate=${fps}:d=${to - from}`);
    args.push("-f", "lavfi", "-i", `testsrc2=size=${size}:rate=${fps}:d=${input.seconds - to}`);
    args.push("-filter_complex", "[0:v][1:v][2:v]concat=n=3:v=1:a=0[v]", "-map", "[v]");
    if (input.audio) throw new Error("makeMedia: a still stretch is made without audio");
  } else {
    args.push("-f", "lavfi", "-i", `testsrc2=size=${size}:rate=${fps}`);
    if (input.audio) args.push("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000");
  }
  args.push("-t", String(input.seconds));
  if (webm) {
    args.push("-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "300k", "-g", String(fps * 2));
    if (input.audio) args.push("-c:a", "libopus", "-b:a", "64k");
  } else {
    const gop = input.kind === "h264-long-gop" ? fps * 20 : fps * 2;
    args.push("-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", String(gop), "-keyint_min", String(gop), "-sc_threshold", "0");
    if (input.audio) args.push("-c:a", "aac", "-b:a", "64k");
  }
  args.push(file);
  await execa(ffmpegPath(), args, { timeout: 300_000 });
  return file;
}

/**
 * What a proxy recording fragmented MP4 sends: `source` remuxed into fragments
 * at its keyframes (an empty moov first), as the bytes a test then cuts into
 * chunks anywhere.
 */
export async function fragmentedMp4Bytes(source: string): Promise<Buffer> {
  const fragmented = `${source}.frag.mp4`;
  await execa(ffmpegPath(), [
    "-hide_banner",
    "-loglevel",
    "error",
    "-y",
    "-i",
    source,
    "-c",
    "copy",
    "-movflags",
    "+frag_keyframe+empty_moov+default_base_moof",
    fragmented,
  ]);
  return readFile(fragmented);
}

/** A session (with a unique hash) and its recording row. */
export async function insertSessionWithRecording(input: {
  userId?: string | null;
  status?: (typeof recordings.$inferInsert)["status"];
  durationMs?: number;
  hasAudio?: boolean;
  videoCodec?: string;
  protocol?: NewRemoteSession["protocol"];
  /** ffprobe's output as ingestion stores it (lib/media/probe.ts). */
  probe?: unknown;
}) {
  const hash = randomBytes(16).toString("hex");
  const startedAt = new Date(Date.now() - (input.durationMs ?? 60_000) - 60_000);
  const [session] = await db
    .insert(remoteSessions)
    .values({
      hash,
      protocol: input.protocol ?? "ssh",
      host: "10.0.0.5",
      credentialUsername: "root",
      userId: input.userId ?? null,
      userName: "Pat Operator",
      userIp: "10.0.0.9",
      startedAt,
      endedAt: input.status === "receiving" ? null : new Date(startedAt.getTime() + (input.durationMs ?? 60_000)),
      status: input.status === "receiving" ? "active" : "closed",
    })
    .returning();
  const [recording] = await db
    .insert(recordings)
    .values({
      sessionId: session!.id,
      status: input.status ?? "ready",
      durationMs: input.durationMs ?? null,
      hasAudio: input.hasAudio ?? null,
      videoCodec: input.videoCodec ?? null,
      probe: input.probe ?? null,
    })
    .returning();
  return { session: session!, recording: recording! };
}

/** Stores the media and counts its bytes on the recording, as ingestion leaves them (the report's Size). */
export async function storeMedia(storage: Storage, recordingId: number, file: string) {
  const { size } = await storage.write(storageKeys.media(recordingId), createReadStream(file));
  await db.update(recordings).set({ sizeBytes: size }).where(eq(recordings.id, recordingId));
}

export async function insertEvents(sessionId: number, events: { tMs: number; type: (typeof sessionEvents.$inferInsert)["type"]; data: unknown }[]) {
  if (events.length) await db.insert(sessionEvents).values(events.map((e) => ({ sessionId, ...e })));
}

/**
 * 20 s of H.264 with B-frames at 12.5 fps (a keyframe is decoded 160 ms before
 * it is shown) and AAC, as a plain (not fragmented) MP4, as a proxy may send it.
 */
export async function makePlainMp4WithBFrames(file: string, ffmpeg: string = ffmpegPath()) {
  await execa(ffmpeg, [
    ...[
      "-hide_banner",
      "-loglevel",
      "error",
      "-y",
      "-f",
      "lavfi",
      "-i",
      "testsrc2=size=320x180:rate=12.5",
      "-f",
      "lavfi",
      "-i",
      "sine=frequency=440:sample_rate=48000",
    ],
    ...["-t", "20", "-c:v", "libx264", "-preset", "veryfast", "-bf", "3", "-g", "25", "-keyint_min", "25", "-sc_threshold", "0", "-pix_fmt", "yuv420p"],
    ...["-c:a", "aac", "-b:a", "64k", file],
  ]);
}
