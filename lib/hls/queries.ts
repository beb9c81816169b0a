import "server-only";
import { and, asc, eq, sql } from "drizzle-orm";
import type { Viewer } from "@/lib/auth/viewer";
import { db } from "@/lib/db/client";
import { sessionVisibleTo } from "@/lib/db/queries/sessions";
import { recordingChunks, recordings, remoteSessions } from "@/lib/db/schema";
import { storedPlaylistSchema, type StoredPlaylist } from "./playlist";

/** The facts the player and the HLS routes need; the big jsonb columns only when asked for. */
export type PlaybackRecording = {
  id: number;
  sessionId: number;
  status: (typeof recordings.$inferSelect)["status"];
  statusReason: string | null;
  durationMs: number | null;
  hasAudio: boolean | null;
  videoCodec: string | null;
  audioCodec: string | null;
  container: string | null;
  sizeBytes: number;
  playableKey: string | null;
};

const columns = {
  id: recordings.id,
  sessionId: recordings.sessionId,
  status: recordings.status,
  statusReason: recordings.statusReason,
  durationMs: recordings.durationMs,
  hasAudio: recordings.hasAudio,
  videoCodec: recordings.videoCodec,
  audioCodec: recordings.audioCodec,
  container: recordings.container,
  sizeBytes: recordings.sizeBytes,
  playableKey: recordings.playableKey,
};

export type PlaybackAccess = {
  session: { id: number; hash: string };
  recording: PlaybackRecording;
  /** The current playable file, when there is one. */
  playable: { generation: string; size: number } | null;
};

/**
 * Everything an HLS request needs in one round trip: the session as the viewer
 * may see it (role "user": only their own sessions, the rule of
 * lib/db/queries/sessions.ts), its recording, and the current playable
 * generation. Null when there is no such session, the viewer may not see it,
 * or it has no recording: the caller answers all three with the same 404.
 */
export async function getPlaybackAccess({
  hash,
  viewer,
}: {
  hash: string;
  viewer: Pick<Viewer, "id" | "role">;
}): Promise<PlaybackAccess | null> {
  const [row] = await db
    .select({
      hash: remoteSessions.hash,
      ...columns,
      generation: sql<string | null>`${recordings.playlist}->>'generation'`,
      size: sql<string | null>`${recordings.playlist}->>'size'`,
    })
    .from(remoteSessions)
    .innerJoin(recordings, eq(recordings.sessionId, remoteSessions.id))
    .where(and(eq(remoteSessions.hash, hash), sessionVisibleTo(viewer)))
    .limit(1);
  if (!row) return null;
  const { hash: sessionHash, generation, size, ...recording } = row;
  return {
    session: { id: row.sessionId, hash: sessionHash },
    recording,
    playable: generation && row.playableKey ? { generation, size: Number(size) } : null,
  };
}

export async function getPlaybackRecording({ sessionId }: { sessionId: number }): Promise<PlaybackRecording | null> {
  const [row] = await db.select(columns).from(recordings).where(eq(recordings.sessionId, sessionId)).limit(1);
  return row ?? null;
}

export async function getPlaybackRecordingById({ id }: { id: number }): Promise<PlaybackRecording | null> {
  const [row] = await db.select(columns).from(recordings).where(eq(recordings.id, id)).limit(1);
  return row ?? null;
}

/** The stored playlist, or null when the recording has not been made playable yet (or it is unreadable). */
export async function getStoredPlaylist({ recordingId }: { recordingId: number }): Promise<StoredPlaylist | null> {
  const [row] = await db.select({ playlist: recordings.playlist }).from(recordings).where(eq(recordings.id, recordingId));
  if (!row?.playlist) return null;
  const parsed = storedPlaylistSchema.safeParse(row.playlist);
  return parsed.success ? parsed.data : null;
}

export async function savePlayable({
  recordingId,
  playableKey,
  playlist,
}: {
  recordingId: number;
  playableKey: string;
  playlist: StoredPlaylist;
}) {
  await db.update(recordings).set({ playableKey, playlist }).where(eq(recordings.id, recordingId));
}

export async function saveActivity({ recordingId, activity }: { recordingId: number; activity: unknown }) {
  await db.update(recordings).set({ activity }).where(eq(recordings.id, recordingId));
}

export async function getActivity({ recordingId }: { recordingId: number }): Promise<unknown> {
  const [row] = await db.select({ activity: recordings.activity }).from(recordings).where(eq(recordings.id, recordingId));
  return row?.activity ?? null;
}

export async function listChunks({ recordingId }: { recordingId: number }) {
  return db
    .select({ seq: recordingChunks.seq, sizeBytes: recordingChunks.sizeBytes })
    .from(recordingChunks)
    .where(eq(recordingChunks.recordingId, recordingId))
    .orderBy(asc(recordingChunks.seq));
}
