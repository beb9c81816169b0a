import "server-only";
import { and, eq } from "drizzle-orm";
import { recordAudit } from "@/lib/audit";
import type { Viewer } from "@/lib/auth/viewer";
import { db } from "@/lib/db/client";
import { getParameters } from "@/lib/db/queries/parameters";
import { getSessionByHash } from "@/lib/db/queries/sessions";
import { videoExports, type RemoteSession, type VideoExport } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { ensureExportSchedule } from "@/lib/jobs/cleanup-exports";
import { convertVideo } from "@/lib/jobs/convert-video";
import { sendExportEmails } from "@/lib/jobs/send-export-email";
import type { ExportFormat } from "@/lib/domain/recordings";
import {
  addExportRecipient,
  cancelExportRow,
  createOrGetLiveExport,
  getExportById,
  getLatestExport,
  getRecipientEmail,
  getRecordingForSession,
  getViewableExport,
} from "./queries";

export { getViewableExport } from "./queries";

export type ExportOptions = { enabled: boolean; format: ExportFormat; watermark: boolean; optionsKey: string };

/**
 * The conversion the parameters ask for now. A watermark names who asked, so
 * watermarked videos are per requester; plain ones are shared by everyone who
 * may see the session.
 */
export async function currentExportOptions({ viewer }: { viewer: Pick<Viewer, "id"> }): Promise<ExportOptions> {
  const [enabled, format, watermark] = await getParameters({
    keys: ["remote_session.video_download_enabled", "remote_session.download_format", "remote_session.download_watermark"],
  });
  const fmt = format!.value as ExportFormat;
  const wm = watermark!.value === true;
  return {
    enabled: enabled!.value === true,
    format: fmt,
    watermark: wm,
    optionsKey: wm ? `${fmt}+watermark:${viewer.id}` : fmt,
  };
}

export const DOWNLOAD_DISABLED = "Session video download is turned off. An administrator can turn it on under System parameters > Remote session.";

/**
 * Starts (or finds) the conversion of a session for the viewer: the viewer must
 * see the session, the parameter must be on. Asking again while one runs or
 * after one finished returns that one.
 */
export async function requestExport({
  hash,
  viewer,
  ip,
}: {
  hash: string;
  viewer: Viewer;
  ip: string | null;
}): Promise<{ export: VideoExport; created: boolean; session: RemoteSession }> {
  const session = await getSessionByHash({ hash, viewer });
  if (!session) throw new AppError("Session not found.", 404);
  const options = await currentExportOptions({ viewer });
  if (!options.enabled) throw new AppError(DOWNLOAD_DISABLED, 403);
  const recording = await getRecordingForSession({ sessionId: session.id });
  if (!recording || recording.status === "failed" || recording.status === "incomplete") {
    throw new AppError("This session has no complete recording to convert.", 409);
  }
  if (recording.status === "receiving") throw new AppError("The session is still being recorded. Try again when it has ended.", 409);

  const result = await createOrGetLiveExport({
    sessionId: session.id,
    requestedBy: viewer.id,
    format: options.format,
    watermark: options.watermark,
    optionsKey: options.optionsKey,
  });
  if (result.created) {
    await convertVideo.send({ exportId: result.export.id });
    await ensureExportSchedule().catch((error) => console.error("[exports] schedule", error));
  } else if (result.export.requestedBy !== viewer.id && (result.export.status === "queued" || result.export.status === "running")) {
    // Someone else's conversion of the same video: this viewer is told too when it is ready.
    await addExportRecipient({ exportId: result.export.id, userId: viewer.id });
    // It may have finished in between, after its emails were queued: queue this one now (sent once).
    const now = await getExportById({ id: result.export.id });
    if (now?.status === "done") await sendExportEmails(now);
  }
  await recordAudit({
    actor: viewer,
    action: "export.requested",
    target: { type: "session", id: session.hash },
    ip,
    details: { exportId: result.export.id, format: options.format, watermark: options.watermark, reused: !result.created },
  });
  return { ...result, session };
}

/** Stops a conversion; only the requester or an admin may. */
export async function cancelExport({ id, viewer, ip }: { id: string; viewer: Viewer; ip: string | null }) {
  const found = await getViewableExport({ id, viewer });
  if (!found) throw new AppError("Export not found.", 404);
  if (found.export.requestedBy !== viewer.id && viewer.role !== "admin") {
    throw new AppError("Only the person who asked for this video or an administrator can cancel it.", 403);
  }
  const row = await cancelExportRow({ id });
  if (!row) throw new AppError("This conversion has already ended.", 409);
  await recordAudit({
    actor: viewer,
    action: "export.cancelled",
    target: { type: "session", id: found.session.hash },
    ip,
    details: { exportId: id },
  });
  return row;
}

/** The export the page shows for a session: the live one for the current options, else the last attempt. */
export async function getExportForPage({ session, viewer }: { session: Pick<RemoteSession, "id">; viewer: Viewer }) {
  const options = await currentExportOptions({ viewer });
  const current = await getLatestExport({ sessionId: session.id, optionsKey: options.optionsKey });
  // Someone who asked for a video another person's conversion was already making gets their own email.
  const ownEmail = current && current.requestedBy !== viewer.id ? await getRecipientEmail({ exportId: current.id, userId: viewer.id }) : null;
  return { options, export: current, ownEmail };
}

/**
 * For the ingestion hook (onRecordingReady): conversions asked for while the
 * recording was still being processed start now instead of at their next retry.
 */
export async function resumeExportsForSession(sessionId: number) {
  const waiting = await db
    .select({ id: videoExports.id })
    .from(videoExports)
    .where(and(eq(videoExports.sessionId, sessionId), eq(videoExports.status, "queued")));
  for (const row of waiting) await convertVideo.send({ exportId: row.id });
}
