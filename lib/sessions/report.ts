import type { Viewer } from "@/lib/auth/viewer";
import type { Recording, RemoteSession } from "@/lib/db/schema";

/** What every section of the session report receives from the page. */
export type SessionReport = {
  session: RemoteSession;
  /** Null when no media was ever announced for the session (e.g. a failed connection). */
  recording: Recording | null;
  viewer: Viewer;
};

/**
 * Session IDs as the proxies send them. Anything else in the URL is answered
 * with the same 404 as an unknown session, without asking the database.
 */
const SESSION_HASH = /^[A-Za-z0-9._-]{1,128}$/;

export function isSessionHash(value: string): boolean {
  return SESSION_HASH.test(value);
}

/** Whether the session has media to play: a recording row, or bytes counted on the session. */
export function hasRecording({ session, recording }: Pick<SessionReport, "session" | "recording">): boolean {
  return recording !== null || session.recordingSize > 0;
}

/** Bytes recorded so far: the recording's own count when there is one, else the session's. */
export function recordedBytes({ session, recording }: Pick<SessionReport, "session" | "recording">): number {
  return Math.max(recording?.sizeBytes ?? 0, session.recordingSize);
}
