import "server-only";
import { analyzeSessionJob } from "@/lib/jobs/analyze-session";
import { preparePlaybackJob } from "@/lib/jobs/prepare-playback";
import { resumeExportsJob } from "@/lib/jobs/resume-exports";
import { getRecordingBySession } from "./queries";

/**
 * What runs once a session's recording is ready (probed), failed to probe, or
 * once a session without media has finished: the follow-up background work.
 * The single place to add a step.
 */
export async function onRecordingReady(sessionId: number): Promise<void> {
  const recording = await getRecordingBySession({ sessionId });
  if (recording?.status === "ready") await preparePlaybackJob.send({ recordingId: recording.id });
  if (recording && (recording.status === "ready" || recording.status === "failed")) {
    // Video exports asked for while the recording was processing start now (or fail with its reason).
    await resumeExportsJob.send({ sessionId });
  }
  // The risk analysis reads the events only, so it runs with or without media.
  await analyzeSessionJob.send({ sessionId });
}
