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

/** Whether the session has media to play: a recording row, or bytes counted on the session. */
export function hasRecording({ session, recording }: Pick<SessionReport, "session" | "recording">): boolean {
  return recording !== null || session.recordingSize > 0;
}

/** Bytes recorded so far: the recording's own count when there is one, else the session's. */
export function recordedBytes({ session, recording }: Pick<SessionReport, "session" | "recording">): number {
  return Math.max(recording?.sizeBytes ?? 0, session.recordingSize);
}
