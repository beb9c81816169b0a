import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { execa } from "execa";
import { db } from "@/lib/db/client";
import { recordings, remoteSessions, sessionEvents } from "@/lib/db/schema";
import { type Protocol } from "@/lib/domain/sessions";
import { ffmpegPath, ffprobePath } from "@/lib/media/binaries";
import { storageKeys } from "@/lib/storage/keys";
import type { Storage } from "@/lib/storage/types";

export type MediaKind = "h264-aac-mp4" | "vp9-opus-webm" | "garbage";

/** Makes a short screen-like recording with real ffmpeg (test pattern + tone). */
export async function makeRecordingFile(
  kind: MediaKind,
  /** `bFrames`: H.264 with B-frames (pyramid, two frames of reordering delay), as x264's usual presets make it. */
  options: { seconds?: number; size?: string; rate?: number; bFrames?: boolean } = {},
): Promise<{ file: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "sv-test-media-"));
  const seconds = options.seconds ?? 6;
  const size = options.size ?? "640x360";
  const rate = options.rate ?? 15;
  const cleanup = () => rm(dir, { recursive: true, force: true });
  if (kind === "garbage") {
    const file = path.join(dir, "media");
    const { writeFile } = await import("node:fs/promises");
    // Zeros, not random bytes: random data is sometimes taken for an audio format, which fails differently.
    await writeFile(file, Buffer.alloc(64 * 1024));
    return { file, cleanup };
  }
  const file = path.join(dir, kind === "vp9-opus-webm" ? "media.webm" : "media.mp4");
  const inputs = ["-f", "lavfi", "-i", `testsrc2=size=${size}:rate=${rate}`, "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000"];
  const codecs =
    kind === "vp9-opus-webm"
      ? ["-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "300k", "-c:a", "libopus"]
      : [
          "-c:v",
          "libx264",
          "-preset",
          options.bFrames ? "veryfast" : "ultrafast",
          ...(options.bFrames ? ["-bf", "3"] : []),
          "-g",
          String(rate * 2),
          "-pix_fmt",
          "yuv420p",
          "-c:a",
          "aac",
        ];
  await execa(ffmpegPath(), ["-hide_banner", "-loglevel", "error", "-y", ...inputs, "-t", String(seconds), ...codecs, file]);
  return { file, cleanup };
}

export async function probe(file: string): Promise<{ durationMs: number; streams: { codec_type: string; codec_name: string }[] }> {
  const { stdout } = await execa(ffprobePath(), ["-v", "error", "-show_entries", "format=duration:stream=codec_type,codec_name", "-of", "json", file]);
  const json = JSON.parse(stdout) as { format: { duration: string }; streams: { codec_type: string; codec_name: string }[] };
  return { durationMs: Math.round(Number(json.format.duration) * 1000), streams: json.streams };
}

/** A closed session with a ready recording whose media is `file`, plus a few key events. */
export async function createSessionWithRecording(input: {
  storage: Storage;
  file: string;
  kind: MediaKind;
  userId?: string | null;
  protocol?: Protocol;
  durationMs?: number;
  events?: { tMs: number; type: "key" | "query" | "command"; data: unknown }[];
}) {
  const hash = randomBytes(16).toString("hex");
  const started = new Date(Date.now() - 3_600_000);
  const [session] = await db
    .insert(remoteSessions)
    .values({
      hash,
      protocol: input.protocol ?? "ssh",
      host: "10.0.0.5",
      credentialUsername: "root",
      userId: input.userId ?? null,
      userName: "pam.user",
      userIp: "10.0.0.9",
      startedAt: started,
      endedAt: new Date(started.getTime() + (input.durationMs ?? 6000)),
      status: "closed",
    })
    .returning();
  const facts =
    input.kind === "garbage"
      ? { container: "mp4", videoCodec: "h264", audioCodec: "aac", hasAudio: true }
      : input.kind === "vp9-opus-webm"
        ? { container: "webm", videoCodec: "vp9", audioCodec: "opus", hasAudio: true }
        : { container: "mp4", videoCodec: "h264", audioCodec: "aac", hasAudio: true };
  const durationMs = input.durationMs ?? (input.kind === "garbage" ? 6000 : (await probe(input.file)).durationMs);
  const [recording] = await db
    .insert(recordings)
    .values({ sessionId: session!.id, status: "ready", width: 640, height: 360, durationMs, ...facts })
    .returning();
  const { createReadStream } = await import("node:fs");
  const { size } = await input.storage.write(storageKeys.media(recording!.id), createReadStream(input.file));
  // The bytes stored, as ingestion leaves them: the report offers a video only for a recording with bytes.
  await db.update(recordings).set({ sizeBytes: size }).where(eq(recordings.id, recording!.id));
  recording!.sizeBytes = size;
  const events = input.events ?? [
    { tMs: 500, type: "key" as const, data: { key: "l" } },
    { tMs: 600, type: "key" as const, data: { key: "s" } },
    { tMs: 700, type: "key" as const, data: { key: "Enter" } },
    { tMs: 2000, type: "key" as const, data: { key: "x", masked: true } },
  ];
  if (events.length) await db.insert(sessionEvents).values(events.map((e) => ({ ...e, sessionId: session!.id })));
  return { session: session!, recording: recording!, size };
}

const MONO_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf";

/**
 * A screen-like H.264/AAC recording (a terminal: dark background, one line of
 * text moving down), made cheaply: one short segment encoded, then repeated by
 * stream copy up to `seconds`.
 */
export async function makeScreenRecording(options: {
  seconds: number;
  segmentSeconds?: number;
  size?: string;
  rate?: number;
  dir?: string;
}): Promise<{ file: string; cleanup: () => Promise<void> }> {
  const dir = options.dir ?? (await mkdtemp(path.join(os.tmpdir(), "sv-test-screen-")));
  const segmentSeconds = Math.min(options.segmentSeconds ?? 10, options.seconds);
  const rate = options.rate ?? 15;
  const segment = path.join(dir, "segment.mp4");
  const font = (await import("node:fs")).existsSync(MONO_FONT) ? `fontfile=${MONO_FONT}:` : "";
  const video =
    `color=c=0x1e1e1e:size=${options.size ?? "1280x720"}:rate=${rate},` +
    `drawtext=${font}text='%{pts\\:hms} root@db01\\:~# tail -f /var/log/syslog':x=40:y=40+mod(t\\,10)*40:fontcolor=0xd0d0d0:fontsize=22`;
  await execa(ffmpegPath(), [
    "-hide_banner",
    "-loglevel",
    "error",
    "-y",
    "-f",
    "lavfi",
    "-i",
    video,
    "-f",
    "lavfi",
    "-i",
    "sine=frequency=440:sample_rate=48000",
    "-t",
    String(segmentSeconds),
    "-c:v",
    "libx264",
    "-preset",
    "veryfast",
    "-tune",
    "stillimage",
    "-g",
    String(rate * 4),
    "-pix_fmt",
    "yuv420p",
    "-c:a",
    "aac",
    "-b:a",
    "64k",
    segment,
  ]);
  const copies = Math.ceil(options.seconds / segmentSeconds);
  const list = path.join(dir, "list.txt");
  const { writeFile } = await import("node:fs/promises");
  await writeFile(list, Array.from({ length: copies }, () => `file '${segment}'`).join("\n"));
  const file = path.join(dir, "screen.mp4");
  await execa(ffmpegPath(), [
    "-hide_banner",
    "-loglevel",
    "error",
    "-y",
    "-f",
    "concat",
    "-safe",
    "0",
    "-i",
    list,
    "-t",
    String(options.seconds),
    "-c",
    "copy",
    "-movflags",
    "+faststart",
    file,
  ]);
  await rm(segment, { force: true });
  return { file, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
