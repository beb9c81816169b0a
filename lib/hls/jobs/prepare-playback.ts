import { handleJob } from "@/lib/jobs/define-job";
import { makeThumbnailsJob } from "@/lib/jobs/make-thumbnails";
import { preparePlaybackJob } from "@/lib/jobs/prepare-playback";
import { measureRecordingActivity } from "../measure";
import { ensurePlayable } from "../prepare";

/**
 * Makes a finished recording playable (fragmented MP4 and its byte-range
 * playlist), re-encodes it when its keyframes are too far apart for short
 * segments, queues its timeline thumbnails (their own job, so that they are made
 * while the activity is measured), then measures its activity for the heatmap. Safe to run twice:
 * each step is skipped when its result is already stored.
 */
export const preparePlaybackHandler = handleJob(preparePlaybackJob, async ({ recordingId }) => {
  let playlist = await ensurePlayable(recordingId);
  if (playlist.longGop && playlist.mode === "copy") {
    // A stream copy of a source with keyframes far apart gives long segments and
    // coarse seeking: encode once with a keyframe every 2 s and swap the file in.
    playlist = await ensurePlayable(recordingId, { mode: "reencode" });
  }
  await makeThumbnailsJob.send({ recordingId });
  await measureRecordingActivity(recordingId, playlist.durationMs);
});
