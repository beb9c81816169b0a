import { eq } from "drizzle-orm";
import { z } from "zod";
import { db } from "@/lib/db/client";
import { recordings } from "@/lib/db/schema";
import { getRecordingById } from "@/lib/ingest/queries";
import { onRecordingReady } from "@/lib/ingest/ready";
import { probeMedia, ProbeError } from "@/lib/media/probe";
import { getStorage, storageKeys } from "@/lib/storage";
import { defineJob } from "./define-job";

/**
 * Reads a finished recording with ffprobe and stores the facts (duration,
 * streams, resolution, codecs, audio). Media ffprobe cannot read marks the
 * recording "failed" with ffprobe's reason. Safe to run twice: a recording
 * already probed only gets its follow-up work sent again (deduplicated).
 */
export const probeRecording = defineJob({
  name: "probe-recording",
  schema: z.object({ recordingId: z.number().int().positive() }),
  queue: { retryLimit: 3, expireInSeconds: 30 * 60 },
  concurrency: 2,
  handle: async ({ recordingId }) => {
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
      await db
        .update(recordings)
        .set({ status: "failed", statusReason: "The assembled media is missing from storage." })
        .where(eq(recordings.id, recordingId));
      await onRecordingReady(recording.sessionId);
      return;
    }
    try {
      const facts = await probeMedia(media.path);
      await db
        .update(recordings)
        .set({
          status: "ready",
          statusReason: null,
          container: facts.container,
          durationMs: facts.durationMs,
          width: facts.width,
          height: facts.height,
          videoCodec: facts.videoCodec,
          audioCodec: facts.audioCodec,
          hasAudio: facts.hasAudio,
          probe: facts.probe,
        })
        .where(eq(recordings.id, recordingId));
    } catch (error) {
      if (!(error instanceof ProbeError)) throw error; // retried
      console.warn(`[probe-recording] ${recordingId}: ${error.reason}`);
      await db
        .update(recordings)
        .set({ status: "failed", statusReason: `ffprobe cannot read the media: ${error.reason}` })
        .where(eq(recordings.id, recordingId));
      // The events still deserve their analysis.
      await onRecordingReady(recording.sessionId);
      return;
    } finally {
      await media.release();
    }
    await onRecordingReady(recording.sessionId);
  },
});
