import "server-only";
import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import type { AuditWriter } from "@/lib/audit/queries";
import { db } from "@/lib/db/client";
import { remoteSessions, sessionNotes, sessionNoteVersions, sessionReviews, users, type SessionNote, type SessionReview } from "@/lib/db/schema";
import type { ReviewVerdict } from "@/lib/domain/reviews";

/**
 * SQL of reviews and notes. Callers have found the session as the viewer may
 * see it (sessionVisibleTo) before reaching it here by its id.
 */

export type ReviewTx = Parameters<Parameters<typeof db.transaction>[0]>[0];

/**
 * Appends a review and makes it the session's latest verdict (the columns the
 * Remote sessions list filters on), in one transaction with whatever `also`
 * writes (the audit entry): all or nothing.
 */
export async function insertReview({
  sessionId,
  reviewerId,
  verdict,
  comment,
  also,
}: {
  sessionId: number;
  reviewerId: string;
  verdict: ReviewVerdict;
  comment: string | null;
  also?: (tx: AuditWriter) => Promise<void>;
}): Promise<SessionReview> {
  return db.transaction(async (tx) => {
    const [review] = await tx.insert(sessionReviews).values({ sessionId, reviewerId, verdict, comment }).returning();
    await tx.update(remoteSessions).set({ reviewVerdict: verdict, reviewedAt: review!.createdAt }).where(eq(remoteSessions.id, sessionId));
    await also?.(tx);
    return review!;
  });
}

/** Every review of a session, newest first, with the reviewer. */
export async function listReviews({ sessionId }: { sessionId: number }) {
  return db
    .select({ review: sessionReviews, reviewerEmail: users.email, reviewerName: users.name })
    .from(sessionReviews)
    .innerJoin(users, eq(users.id, sessionReviews.reviewerId))
    .where(eq(sessionReviews.sessionId, sessionId))
    .orderBy(desc(sessionReviews.createdAt), desc(sessionReviews.id))
    .limit(500);
}

/** A note and its first version, in one transaction with `also` (the audit entry). */
export async function insertNote({
  sessionId,
  authorId,
  tMs,
  text,
  also,
}: {
  sessionId: number;
  authorId: string;
  tMs: number;
  text: string;
  also?: (tx: AuditWriter, note: SessionNote) => Promise<void>;
}): Promise<SessionNote> {
  return db.transaction(async (tx) => {
    const [note] = await tx.insert(sessionNotes).values({ sessionId, authorId, tMs, text }).returning();
    await tx.insert(sessionNoteVersions).values({ noteId: note!.id, version: 1, text, createdAt: note!.createdAt });
    await also?.(tx, note!);
    return note!;
  });
}

/**
 * A new version of a note by its author: the note shows it, the versions keep
 * every earlier one. Null when the note is not the author's (or not found).
 */
export async function updateNoteText({
  id,
  authorId,
  text,
  also,
}: {
  id: number;
  authorId: string;
  text: string;
  also?: (tx: AuditWriter, note: SessionNote) => Promise<void>;
}): Promise<SessionNote | null> {
  return db.transaction(async (tx) => {
    const now = new Date();
    const [note] = await tx
      .update(sessionNotes)
      .set({ text, version: sql`${sessionNotes.version} + 1`, updatedAt: now })
      .where(and(eq(sessionNotes.id, id), eq(sessionNotes.authorId, authorId)))
      .returning();
    if (!note) return null;
    await tx.insert(sessionNoteVersions).values({ noteId: note.id, version: note.version, text, createdAt: now });
    await also?.(tx, note);
    return note;
  });
}

/** A note with the hash of its session (to check the viewer may see that session). */
export async function getNoteById({ id }: { id: number }) {
  const [row] = await db
    .select({ note: sessionNotes, hash: remoteSessions.hash })
    .from(sessionNotes)
    .innerJoin(remoteSessions, eq(remoteSessions.id, sessionNotes.sessionId))
    .where(eq(sessionNotes.id, id))
    .limit(1);
  return row ?? null;
}

/** A session's notes in time order, with their authors. */
export async function listNotes({ sessionId }: { sessionId: number }) {
  return db
    .select({ note: sessionNotes, authorEmail: users.email, authorName: users.name })
    .from(sessionNotes)
    .innerJoin(users, eq(users.id, sessionNotes.authorId))
    .where(eq(sessionNotes.sessionId, sessionId))
    .orderBy(asc(sessionNotes.tMs), asc(sessionNotes.id))
    .limit(1000);
}

/** Every version of these notes, oldest first. */
export async function listNoteVersions({ noteIds }: { noteIds: number[] }) {
  if (!noteIds.length) return [];
  return db
    .select()
    .from(sessionNoteVersions)
    .where(inArray(sessionNoteVersions.noteId, noteIds))
    .orderBy(asc(sessionNoteVersions.noteId), asc(sessionNoteVersions.version));
}
