import { handleJob } from "@/lib/jobs/define-job";
import { makeThumbnailsJob } from "@/lib/jobs/make-thumbnails";
import { getRecordingById } from "@/lib/recordings/queries";
import { extendThumbnails, LIVE_ROUND_MS } from "../thumbnails";

/**
 * Makes or extends a recording's timeline thumbnails (lib/hls/thumbnails.ts).
 * While the session is still recorded it queues its own next round; once
 * the recording is playable, prepare-playback queues the run that finishes them.
 */
export const makeThumbnailsHandler = handleJob(makeThumbnailsJob, async ({ recordingId }) => {
  const outcome = await extendThumbnails(recordingId);
  const recording = await getRecordingById({ id: recordingId });
  if (recording?.status === "receiving" && outcome !== "failed") {
    await makeThumbnailsJob.send({ recordingId }, { startAfter: Math.round(LIVE_ROUND_MS / 1000) });
  }
});
