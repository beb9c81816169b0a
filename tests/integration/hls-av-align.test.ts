import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

const dataDir = vi.hoisted(() => {
  const dir = `/tmp/sv-hls-av-${process.pid}-${Date.now()}`;
  process.env.DATA_DIR = dir;
  // The alignment needs ffmpeg's setts filter (4.4+): the npm-installed ffmpeg is from 2018, Debian's has it.
  process.env.FFMPEG_PATH ??= "/usr/bin/ffmpeg";
  return dir;
});

import { ensurePlayable } from "@/lib/hls/prepare";
import { ffmpegPath, ffprobePath } from "@/lib/media/binaries";
import { ffmpegHasBitstreamFilter } from "@/lib/media/probe";
import { getStorage, storageKeys } from "@/lib/storage";
import { closeDb, useFreshDatabase } from "../support/db";
import { insertSessionWithRecording, storeMedia, makePlainMp4WithBFrames } from "../support/player-media";

let work = "";
beforeAll(async () => {
  await useFreshDatabase();
  work = await mkdtemp(path.join(os.tmpdir(), "sv-hls-av-"));
});
afterAll(async () => {
  await closeDb();
  await rm(dataDir, { recursive: true, force: true });
  await rm(work, { recursive: true, force: true });
});

/** Display times of every packet, per stream index, as ffprobe reads `file`. */
async function packetTimes(file: string) {
  const { stdout } = await execa(ffprobePath(), ["-v", "error", "-show_entries", "packet=stream_index,pts_time", "-of", "csv=p=0", file]);
  const times: Record<string, number[]> = {};
  for (const line of stdout.trim().split("\n")) {
    const [stream, t] = line.split(",");
    (times[stream!] ??= []).push(Number(t));
  }
  return times;
}

const AUDIO_FRAME_S = 1024 / 48_000;

describe("audio and video of each segment start together", () => {
  it("on a plain MP4 with B-frames and AAC (a keyframe decoded 160 ms before it is shown)", async () => {
    const source = path.join(work, "plain.mp4");
    // 12.5 fps with B-frames: a two-frame reordering delay, 160 ms; not fragmented, as a proxy may send it.
    await makePlainMp4WithBFrames(source);
    expect(await ffmpegHasBitstreamFilter("setts")).toBe(true);
    const { recording } = await insertSessionWithRecording({ status: "processing" });
    await storeMedia(getStorage(), recording.id, source);
    const playlist = await ensurePlayable(recording.id);
    expect(playlist.mode).toBe("copy");
    expect(playlist.segments.length).toBeGreaterThanOrEqual(4);

    const file = (await getStorage().localPath(storageKeys.playable(recording.id, playlist.generation))).path;
    const bytes = await readFile(file);
    const init = bytes.subarray(playlist.init[0], playlist.init[0] + playlist.init[1]);
    for (const [i, [offset, length]] of playlist.segments.entries()) {
      // What a player gets for one segment: the init part and the segment's bytes.
      const one = path.join(work, `segment-${i}.mp4`);
      await writeFile(one, Buffer.concat([init, bytes.subarray(offset, offset + length)]));
      const times = await packetTimes(one);
      const video = Math.min(...times["0"]!);
      const audio = Math.min(...times["1"]!);
      expect({ segment: i, lead: Math.abs(audio - video) <= AUDIO_FRAME_S + 0.001 }).toEqual({ segment: i, lead: true });
    }

    // Every sound and picture is shown when it was in the source: nothing moved but the cut.
    const before = await packetTimes(source);
    const after = await packetTimes(file);
    for (const stream of ["0", "1"]) {
      const a = [...before[stream]!].sort((x, y) => x - y);
      const b = [...after[stream]!].sort((x, y) => x - y);
      expect(b.length).toBe(a.length);
      expect(Math.max(...a.map((t, k) => Math.abs(t - b[k]!)))).toBeLessThan(0.001);
    }
    // And the file decodes without an error.
    const { stderr } = await execa(ffmpegPath(), ["-v", "error", "-i", file, "-f", "null", "-"]);
    expect(stderr.trim()).toBe("");
  });
});
