import "server-only";
import { and, desc, eq, inArray, isNull, lt, sql } from "drizzle-orm";
import type { Viewer } from "@/lib/auth/viewer";
import { db } from "@/lib/db/client";
import { LIVE_EXPORT_STATUSES } from "@/lib/domain/recordings";
import { sessionVisibleTo } from "@/lib/sessions/queries";
import { remoteSessions, sessionEvents, shareLinks, users, videoExportRecipients, videoExports, type VideoExport } from "@/lib/db/schema";

type Who = Pick<Viewer, "id" | "role">;

/** An export together with its session, only when the viewer may see that session. */
export async function getViewableExport({ id, viewer }: { id: string; viewer: Who }) {
  const [row] = await db
    .select({ export: videoExports, session: remoteSessions, requesterEmail: users.email, requesterName: users.name })
    .from(videoExports)
    .innerJoin(remoteSessions, eq(remoteSessions.id, videoExports.sessionId))
    .innerJoin(users, eq(users.id, videoExports.requestedBy))
    .where(and(eq(videoExports.id, id), sessionVisibleTo(viewer)))
    .limit(1);
  return row ?? null;
}

/** An export made for an assessor's link, with its session; null when it is not that link's (or does not exist). */
export async function getSharedExport({ id, linkId }: { id: string; linkId: string }) {
  const [row] = await db
    .select({ export: videoExports, session: remoteSessions })
    .from(videoExports)
    .innerJoin(remoteSessions, eq(remoteSessions.id, videoExports.sessionId))
    .where(and(eq(videoExports.id, id), eq(videoExports.shareLinkId, linkId)))
    .limit(1);
  return row ?? null;
}

export async function getExportById({ id }: { id: string }): Promise<VideoExport | null> {
  const [row] = await db.select().from(videoExports).where(eq(videoExports.id, id)).limit(1);
  return row ?? null;
}

export async function getExportStatus({ id }: { id: string }) {
  const [row] = await db.select({ status: videoExports.status }).from(videoExports).where(eq(videoExports.id, id)).limit(1);
  return row?.status ?? null;
}

export async function getLiveExport({ sessionId, optionsKey }: { sessionId: number; optionsKey: string }) {
  const [row] = await db
    .select()
    .from(videoExports)
    .where(and(eq(videoExports.sessionId, sessionId), eq(videoExports.optionsKey, optionsKey), inArray(videoExports.status, ["queued", "running", "done"])))
    .limit(1);
  return row ?? null;
}

/**
 * The live clips (queued, running, done) of a session made with these options
 * (a watermarked clip's options name its requester), in the order of their range.
 */
export async function listLiveClips({ sessionId, optionsKey }: { sessionId: number; optionsKey: string }) {
  return db
    .select()
    .from(videoExports)
    .where(
      and(
        eq(videoExports.sessionId, sessionId),
        sql`${videoExports.clipStartMs} is not null`,
        sql`starts_with(${videoExports.optionsKey}, ${`${optionsKey}+clip:`})`,
        inArray(videoExports.status, ["queued", "running", "done"]),
      ),
    )
    .orderBy(videoExports.clipStartMs, videoExports.clipEndMs);
}

/** The newest export of a session for these options, whatever its state (for the page after a failure). */
export async function getLatestExport({ sessionId, optionsKey }: { sessionId: number; optionsKey: string }) {
  const live = await getLiveExport({ sessionId, optionsKey });
  if (live) return live;
  const [row] = await db
    .select()
    .from(videoExports)
    .where(and(eq(videoExports.sessionId, sessionId), eq(videoExports.optionsKey, optionsKey)))
    .orderBy(desc(videoExports.createdAt))
    .limit(1);
  return row ?? null;
}

/**
 * Creates the export unless a live one (queued, running or done) exists for
 * the same session and options; the partial unique index decides races.
 */
export async function createOrGetLiveExport(input: {
  sessionId: number;
  requestedBy: string;
  format: "mp4" | "webm";
  watermark: boolean;
  optionsKey: string;
  /** A clip's range (both or neither). */
  clipStartMs?: number | null;
  clipEndMs?: number | null;
  shareLinkId?: string | null;
}): Promise<{ export: VideoExport; created: boolean }> {
  const [inserted] = await db.insert(videoExports).values(input).onConflictDoNothing().returning();
  if (inserted) return { export: inserted, created: true };
  const live = await getLiveExport(input);
  if (!live) throw new Error("An export for these options conflicted but cannot be found");
  return { export: live, created: false };
}

/** Marks queued/running exports cancelled; returns the row when it changed. */
export async function cancelExportRow({ id }: { id: string }) {
  const [row] = await db
    .update(videoExports)
    .set({ status: "cancelled", finishedAt: new Date(), etaSeconds: null })
    .where(and(eq(videoExports.id, id), inArray(videoExports.status, LIVE_EXPORT_STATUSES)))
    .returning();
  return row ?? null;
}

/** Claims the export for a fresh run; only queued or running (a restart) rows qualify. */
export async function startExportRun({ id }: { id: string }) {
  const [row] = await db
    .update(videoExports)
    .set({ status: "running", progress: 0, etaSeconds: null, startedAt: new Date(), error: null })
    .where(and(eq(videoExports.id, id), inArray(videoExports.status, LIVE_EXPORT_STATUSES)))
    .returning();
  return row ?? null;
}

export async function updateExportProgress({ id, progress, etaSeconds }: { id: string; progress: number; etaSeconds: number | null }) {
  await db
    .update(videoExports)
    .set({ progress, etaSeconds })
    .where(and(eq(videoExports.id, id), eq(videoExports.status, "running")));
}

export async function finishExport(input: { id: string; storageKey: string; sizeBytes: number; durationMs: number; expiresAt: Date }) {
  const [row] = await db
    .update(videoExports)
    .set({
      status: "done",
      progress: 1,
      etaSeconds: 0,
      storageKey: input.storageKey,
      sizeBytes: input.sizeBytes,
      durationMs: input.durationMs,
      finishedAt: new Date(),
      expiresAt: input.expiresAt,
      emailStatus: "pending",
    })
    .where(and(eq(videoExports.id, input.id), eq(videoExports.status, "running")))
    .returning();
  return row ?? null;
}

export async function failExport({ id, error }: { id: string; error: string }) {
  await db
    .update(videoExports)
    .set({ status: "failed", error, finishedAt: new Date(), etaSeconds: null })
    .where(and(eq(videoExports.id, id), inArray(videoExports.status, LIVE_EXPORT_STATUSES)));
}

export async function setExportEmailStatus({
  id,
  emailStatus,
  emailError,
}: {
  id: string;
  emailStatus: "pending" | "sent" | "outbox" | "failed";
  emailError: string | null;
}) {
  await db.update(videoExports).set({ emailStatus, emailError }).where(eq(videoExports.id, id));
}

/** Adds someone who asked for a video already being converted (once). */
export async function addExportRecipient({ exportId, userId }: { exportId: string; userId: string }) {
  await db.insert(videoExportRecipients).values({ exportId, userId }).onConflictDoNothing();
}

/** Those who still wait for the "video is ready" email of an export, besides its requester. */
export async function listUnnotifiedRecipients({ exportId }: { exportId: string }): Promise<string[]> {
  const rows = await db
    .select({ userId: videoExportRecipients.userId })
    .from(videoExportRecipients)
    .where(and(eq(videoExportRecipients.exportId, exportId), inArray(videoExportRecipients.emailStatus, ["pending", "failed"])));
  return rows.map((r) => r.userId);
}

/** A recipient's email status for an export, or null when the viewer is not one of its recipients. */
export async function getRecipientEmail({ exportId, userId }: { exportId: string; userId: string }) {
  const [row] = await db
    .select({ emailStatus: videoExportRecipients.emailStatus, emailError: videoExportRecipients.emailError })
    .from(videoExportRecipients)
    .where(and(eq(videoExportRecipients.exportId, exportId), eq(videoExportRecipients.userId, userId)))
    .limit(1);
  return row ?? null;
}

/** The details a recipient's email needs (an enabled account only). */
export async function getRecipientForEmail({ exportId, userId }: { exportId: string; userId: string }) {
  const [row] = await db
    .select({
      export: videoExports,
      session: remoteSessions,
      to: users.email,
      name: users.name,
      emailStatus: videoExportRecipients.emailStatus,
    })
    .from(videoExportRecipients)
    .innerJoin(videoExports, eq(videoExports.id, videoExportRecipients.exportId))
    .innerJoin(remoteSessions, eq(remoteSessions.id, videoExports.sessionId))
    .innerJoin(users, eq(users.id, videoExportRecipients.userId))
    .where(and(eq(videoExportRecipients.exportId, exportId), eq(videoExportRecipients.userId, userId), isNull(users.disabledAt)))
    .limit(1);
  return row ?? null;
}

export async function setRecipientEmailStatus(input: {
  exportId: string;
  userId: string;
  emailStatus: "pending" | "sent" | "outbox" | "failed";
  emailError: string | null;
}) {
  await db
    .update(videoExportRecipients)
    .set({ emailStatus: input.emailStatus, emailError: input.emailError })
    .where(and(eq(videoExportRecipients.exportId, input.exportId), eq(videoExportRecipients.userId, input.userId)));
}

/** The conversions of a session still waiting for its recording. */
export async function listQueuedExportIds({ sessionId }: { sessionId: number }): Promise<string[]> {
  const rows = await db
    .select({ id: videoExports.id })
    .from(videoExports)
    .where(and(eq(videoExports.sessionId, sessionId), eq(videoExports.status, "queued")));
  return rows.map((r) => r.id);
}

/** Key, command and query events of a session in time order (the subtitle log). */
export async function listLoggedEvents({ sessionId }: { sessionId: number }) {
  return db
    .select({ tMs: sessionEvents.tMs, type: sessionEvents.type, data: sessionEvents.data })
    .from(sessionEvents)
    .where(and(eq(sessionEvents.sessionId, sessionId), inArray(sessionEvents.type, ["key", "command", "query"])))
    .orderBy(sessionEvents.tMs, sessionEvents.id);
}

/** The details the completion email needs (and the watermark): an assessor's export goes to the link's recipient. */
export async function getExportForEmail({ id }: { id: string }) {
  const [row] = await db
    .select({
      export: videoExports,
      session: remoteSessions,
      to: users.email,
      name: users.name,
      emailStatus: videoExports.emailStatus,
      shareRecipient: shareLinks.recipientEmail,
    })
    .from(videoExports)
    .innerJoin(remoteSessions, eq(remoteSessions.id, videoExports.sessionId))
    .innerJoin(users, eq(users.id, videoExports.requestedBy))
    .leftJoin(shareLinks, eq(shareLinks.id, videoExports.shareLinkId))
    .where(eq(videoExports.id, id))
    .limit(1);
  return row ?? null;
}

export async function listExpiredExports({ now }: { now: Date }) {
  return db
    .select()
    .from(videoExports)
    .where(and(eq(videoExports.status, "done"), lt(videoExports.expiresAt, now)))
    .limit(500);
}

export async function markExportExpired({ id }: { id: string }) {
  await db
    .update(videoExports)
    .set({ status: "expired" })
    .where(and(eq(videoExports.id, id), eq(videoExports.status, "done")));
}

/** Exports that should be converting: queued for a while, or running. The caller checks who holds them. */
export async function listUnfinishedExports({ queuedBefore }: { queuedBefore: Date }) {
  return db
    .select({ id: videoExports.id, status: videoExports.status })
    .from(videoExports)
    .where(sql`${videoExports.status} = 'running' or (${videoExports.status} = 'queued' and ${videoExports.createdAt} < ${queuedBefore})`)
    .limit(500);
}
