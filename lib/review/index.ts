import "server-only";
import { WATCH_ACTIONS, recordAudit } from "@/lib/audit";
import { countSessionAuditEntries, listSessionAuditEntries } from "@/lib/audit/queries";
import type { Viewer } from "@/lib/auth/viewer";
import type { RemoteSession, SessionNote } from "@/lib/db/schema";
import { mayReview, type ReviewVerdict } from "@/lib/domain/reviews";
import { AppError } from "@/lib/errors";
import type { PlayerNote } from "@/lib/player/types";
import { getSessionByHash } from "@/lib/sessions/queries";
import { getNoteById, insertNote, insertReview, listNoteVersions, listNotes, listReviews, updateNoteText } from "./queries";

/**
 * What auditors record about a session: reviews with a verdict (appended,
 * never overwritten; the latest one is the session's verdict in the list),
 * notes at a moment (their author edits them, every version is kept), and the
 * report's "Who watched" read from the audit trail.
 */

export { mayReview, REVIEWER_ROLES } from "@/lib/domain/reviews";

async function visibleSession(viewer: Viewer, hash: string): Promise<RemoteSession> {
  if (!mayReview(viewer)) throw new AppError("Only auditors and administrators review sessions.", 403);
  const session = await getSessionByHash({ hash, viewer });
  if (!session) throw new AppError("Session not found.", 404);
  return session;
}

export async function markReviewed({
  viewer,
  hash,
  verdict,
  comment,
  ip,
}: {
  viewer: Viewer;
  hash: string;
  verdict: ReviewVerdict;
  comment: string | null;
  ip: string | null;
}) {
  const session = await visibleSession(viewer, hash);
  return insertReview({
    sessionId: session.id,
    reviewerId: viewer.id,
    verdict,
    comment,
    also: (tx) =>
      recordAudit({ actor: viewer, action: "session.reviewed", target: { type: "session", id: session.hash }, ip, details: { verdict, comment } }, tx),
  });
}

export { listReviews };

function toPlayerNote(note: SessionNote, author: { email: string; name: string }): PlayerNote {
  return {
    id: note.id,
    tMs: note.tMs,
    text: note.text,
    authorId: note.authorId,
    authorName: author.name,
    authorEmail: author.email,
    version: note.version,
    updatedAt: note.updatedAt.toISOString(),
  };
}

/** A note at a moment (ms from the session start) of a session the viewer may see. */
export async function addNote({
  viewer,
  hash,
  tMs,
  text,
  ip,
}: {
  viewer: Viewer;
  hash: string;
  tMs: number;
  text: string;
  ip: string | null;
}): Promise<PlayerNote> {
  const session = await visibleSession(viewer, hash);
  const note = await insertNote({
    sessionId: session.id,
    authorId: viewer.id,
    tMs,
    text,
    also: (tx, n) =>
      recordAudit({ actor: viewer, action: "note.added", target: { type: "session", id: session.hash }, ip, details: { noteId: n.id, tMs, text } }, tx),
  });
  return toPlayerNote(note, viewer);
}

/** A new version of a note, by its author only; the earlier versions stay. */
export async function editNote({ viewer, id, text, ip }: { viewer: Viewer; id: number; text: string; ip: string | null }): Promise<PlayerNote> {
  const found = await getNoteById({ id });
  if (!found || !mayReview(viewer) || !(await getSessionByHash({ hash: found.hash, viewer }))) throw new AppError("Note not found.", 404);
  if (found.note.authorId !== viewer.id) throw new AppError("Only the author of a note can edit it.", 403);
  if (found.note.text === text) return toPlayerNote(found.note, viewer);
  const note = await updateNoteText({
    id,
    authorId: viewer.id,
    text,
    also: (tx, n) =>
      recordAudit(
        { actor: viewer, action: "note.edited", target: { type: "session", id: found.hash }, ip, details: { noteId: id, version: n.version, text } },
        tx,
      ),
  });
  if (!note) throw new AppError("Only the author of a note can edit it.", 403);
  return toPlayerNote(note, viewer);
}

/** A session's notes as the player and the report show them, each with its earlier versions (oldest first). */
export async function getSessionNotes({
  sessionId,
}: {
  sessionId: number;
}): Promise<(PlayerNote & { versions: { version: number; text: string; at: Date }[] })[]> {
  const rows = await listNotes({ sessionId });
  const versions = await listNoteVersions({ noteIds: rows.map((r) => r.note.id) });
  return rows.map((r) => ({
    ...toPlayerNote(r.note, { email: r.authorEmail, name: r.authorName }),
    versions: versions.filter((v) => v.noteId === r.note.id).map((v) => ({ version: v.version, text: v.text, at: v.createdAt })),
  }));
}

/** "Who watched": every view of the report, play and download of a session, newest first, from the audit trail. */
export async function listWatches({ hash, limit = 200 }: { hash: string; limit?: number }) {
  const [entries, total] = await Promise.all([
    listSessionAuditEntries({ hash, actions: WATCH_ACTIONS, limit }),
    countSessionAuditEntries({ hash, actions: WATCH_ACTIONS }),
  ]);
  return { entries, total };
}
