import "server-only";
import { getRecordingBySession } from "./queries";

/**
 * What runs once a session's recording is ready (probed), failed to probe, or
 * once a session without media has finished: the follow-up background work.
 * The single place to add a step.
 */
export async function onRecordingReady(sessionId: number): Promise<void> {
  const recording = await getRecordingBySession({ sessionId });
  if (recording?.status === "ready") {
    const { enqueuePlaybackPreparation } = await import("@/lib/jobs/prepare-playback");
    await enqueuePlaybackPreparation(recording.id);
  }
  if (recording && (recording.status === "ready" || recording.status === "failed")) {
    // Video exports asked for while the recording was processing start now (or fail with its reason).
    const { resumeExportsForSession } = await import("@/lib/exports");
    await resumeExportsForSession(sessionId);
  }
  // The risk analysis reads the events only, so it runs with or without media.
  const { analyzeSessionJob } = await import("@/lib/jobs/analyze-session");
  await analyzeSessionJob.send({ sessionId }, { singletonKey: `analyze-session:${sessionId}` });
}
