import { z } from "zod";
import { ensurePlayable } from "@/lib/hls/prepare";
import { measureRecordingActivity } from "@/lib/hls/measure";
import { defineJob } from "./define-job";

/**
 * Makes a finished recording playable in the background (fragmented MP4 and
 * its byte-range playlist), re-encodes it when its keyframes are too far
 * apart for short segments, then measures its activity for the heatmap.
 * Safe to run twice: each step is skipped when its result is already stored.
 */
export const preparePlaybackJob = defineJob({
  name: "prepare-playback",
  schema: z.object({ recordingId: z.number().int().positive() }),
  queue: { retryLimit: 3, expireInSeconds: 6 * 60 * 60 },
  handle: async ({ recordingId }) => {
    let playlist = await ensurePlayable(recordingId);
    if (playlist.longGop && playlist.mode === "copy") {
      // A stream copy of a source with keyframes far apart gives long segments and
      // coarse seeking: encode once with a keyframe every 2 s and swap the file in.
      playlist = await ensurePlayable(recordingId, { mode: "reencode" });
    }
    await measureRecordingActivity(recordingId, playlist.durationMs);
  },
});

/** Queues the background preparation of a recording's playback (called once the recording is complete). */
export async function enqueuePlaybackPreparation(recordingId: number): Promise<void> {
  await preparePlaybackJob.send({ recordingId }, { singletonKey: `prepare-playback:${recordingId}` });
}
