import { handleJob } from "@/lib/jobs/define-job";
import { probeRecordingJob } from "@/lib/jobs/probe-recording";
import { probeMedia, ProbeError } from "@/lib/media/probe";
import { getStorage, storageKeys } from "@/lib/storage";
import { getRecordingById, markRecordingFailed, markRecordingProbed } from "../queries";
import { onRecordingReady } from "../ready";

/**
 * Reads a finished recording with ffprobe and stores the facts (duration,
 * streams, resolution, codecs, audio). Media ffprobe cannot read marks the
 * recording "failed" with ffprobe's reason. Safe to run twice: a recording
 * already probed only gets its follow-up work sent again (deduplicated).
 */
export const probeRecordingHandler = handleJob(probeRecordingJob, async ({ recordingId }) => {
  const recording = await getRecordingById({ id: recordingId });
  if (!recording) return; // deleted meanwhile: nothing to do
  if (recording.status === "ready" || recording.status === "failed") {
    if (recording.status === "ready") await onRecordingReady(recording.sessionId);
    return;
  }
  if (recording.status !== "processing") return; // not finished, or incomplete: nothing to probe
  const media = await getStorage()
    .localPath(storageKeys.media(recordingId))
    .catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return null;
      throw error;
    });
  if (!media) {
    // Retrying cannot bring it back: say so on the recording instead.
    await markRecordingFailed({ id: recordingId, reason: "The assembled media is missing from storage." });
    await onRecordingReady(recording.sessionId);
    return;
  }
  try {
    const facts = await probeMedia(media.path);
    await markRecordingProbed({
      id: recordingId,
      facts: {
        container: facts.container,
        durationMs: facts.durationMs,
        width: facts.width,
        height: facts.height,
        videoCodec: facts.videoCodec,
        audioCodec: facts.audioCodec,
        hasAudio: facts.hasAudio,
        probe: facts.probe,
      },
    });
  } catch (error) {
    if (!(error instanceof ProbeError)) throw error; // retried
    console.warn(`[probe-recording] ${recordingId}: ${error.reason}`);
    await markRecordingFailed({ id: recordingId, reason: `ffprobe cannot read the media: ${error.reason}` });
    // The events still deserve their analysis.
    await onRecordingReady(recording.sessionId);
    return;
  } finally {
    await media.release();
  }
  await onRecordingReady(recording.sessionId);
});
