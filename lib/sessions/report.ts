import type { Viewer } from "@/lib/auth/viewer";
import type { RemoteSession } from "@/lib/db/schema";
import type { RecordingFacts } from "@/lib/recordings/queries";

/** What every section of the session report receives from the page. */
export type SessionReport = {
  session: RemoteSession;
  /** Null when no media was ever announced for the session (e.g. a failed connection). */
  recording: RecordingFacts | null;
  viewer: Viewer;
};

/**
 * Whether the session has media to play: a recording with bytes stored. Only
 * the recording decides; a session without one (a failed connection) offers
 * no size, no player and no video, whatever else its row says.
 */
export function hasRecording({ recording }: Pick<SessionReport, "recording">): boolean {
  return recording !== null && recording.sizeBytes > 0;
}

/**
 * The bytes stored for the session's recording: its chunks as received, then
 * the assembled media once finished. Null without a recording.
 */
export function recordedBytes(report: Pick<SessionReport, "recording">): number | null {
  return hasRecording(report) ? report.recording!.sizeBytes : null;
}
