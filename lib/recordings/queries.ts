import "server-only";
import { asc, eq, getTableColumns, sql } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { recordingChunks, recordings, type Recording, type RecordingChunk } from "@/lib/db/schema";

/**
 * SQL of recordings: the one reader of "the recording of a session" and of
 * its chunks, and the writes of what is learnt about a finished recording
 * (ffprobe's facts, the integrity check). Callers reach a recording through a
 * session they already checked the viewer against, or through a job.
 */

/**
 * A recording without its large documents (ffprobe's output, the playlist,
 * the activity, the thumbnails' index), which run to tens of kilobytes on a long recording: every
 * reader here needs the facts, the few that need a document read it alone.
 */
export type RecordingFacts = Omit<Recording, "probe" | "playlist" | "activity" | "thumbnails"> & {
  /** ffprobe has read the media (its facts below are filled in). */
  probed: boolean;
};

const { probe, playlist, activity, thumbnails, ...factColumns } = getTableColumns(recordings);
const columns = { ...factColumns, probed: sql<boolean>`${probe} is not null` };

export async function getRecordingById({ id }: { id: number }): Promise<RecordingFacts | null> {
  const [row] = await db.select(columns).from(recordings).where(eq(recordings.id, id)).limit(1);
  return row ?? null;
}

/** The recording of a session, or null when no media was ever announced for it (e.g. a failed connection). */
export async function getRecordingBySession({ sessionId }: { sessionId: number }): Promise<RecordingFacts | null> {
  const [row] = await db.select(columns).from(recordings).where(eq(recordings.sessionId, sessionId)).limit(1);
  return row ?? null;
}

/** The chunks received, in order. */
export async function listChunks({ recordingId }: { recordingId: number }): Promise<RecordingChunk[]> {
  return db.select().from(recordingChunks).where(eq(recordingChunks.recordingId, recordingId)).orderBy(asc(recordingChunks.seq));
}

export async function listRecordingIds(): Promise<number[]> {
  const rows = await db.select({ id: recordings.id }).from(recordings).orderBy(asc(recordings.id));
  return rows.map((r) => r.id);
}

export type ProbedFacts = Pick<Recording, "container" | "durationMs" | "width" | "height" | "videoCodec" | "audioCodec" | "hasAudio" | "probe">;

/** ffprobe read the media: the recording is ready, with its facts. */
export async function markRecordingProbed({ id, facts }: { id: number; facts: ProbedFacts }) {
  await db
    .update(recordings)
    .set({ status: "ready", statusReason: null, ...facts })
    .where(eq(recordings.id, id));
}

/** The recording cannot become playable, for the reason given (shown on the report). */
export async function markRecordingFailed({ id, reason }: { id: number; reason: string }) {
  await db.update(recordings).set({ status: "failed", statusReason: reason }).where(eq(recordings.id, id));
}

export async function saveIntegrity({
  id,
  status,
  checkedAt,
  firstBadChunk,
  detail,
}: {
  id: number;
  status: "verified" | "mismatch";
  checkedAt: Date;
  firstBadChunk: number | null;
  detail: string;
}) {
  await db
    .update(recordings)
    .set({ integrityStatus: status, integrityCheckedAt: checkedAt, integrityFirstBadChunk: firstBadChunk, integrityDetail: detail })
    .where(eq(recordings.id, id));
}
