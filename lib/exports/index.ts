import "server-only";
import { recordAccessUse, requireSessionAccess, watcherActor, watcherDetails, type Assessor, type Watcher } from "@/lib/access";
import { recordAudit, recordRefusedAccess } from "@/lib/audit";
import { requestIp } from "@/lib/auth/viewer";
import type { Viewer } from "@/lib/auth/viewer";
import { getParameter, getParameters } from "@/lib/settings/queries";
import { getSessionByHash, getSessionOfShareLink } from "@/lib/sessions/queries";
import type { RemoteSession, VideoExport } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { convertVideoJob } from "@/lib/jobs/convert-video";
import { checkClip, type ClipRange } from "@/lib/player/clip";
import { getRecordingBySession } from "@/lib/recordings/queries";
import { sendExportEmails } from "./emails";
import type { ExportFormat } from "@/lib/domain/recordings";
import {
  addExportRecipient,
  cancelExportRow,
  createOrGetLiveExport,
  getExportById,
  getLatestExport,
  getRecipientEmail,
  getSharedExport,
  getViewableExport,
  listLiveClips,
} from "./queries";

export { getViewableExport } from "./queries";

export type ExportOptions = { enabled: boolean; format: ExportFormat; watermark: boolean; optionsKey: string };

/**
 * The conversion the parameters ask for now. A watermark names who asked, so
 * watermarked videos are per requester; plain ones are shared by everyone who
 * may see the session.
 */
export async function currentExportOptions({ viewer }: { viewer: Pick<Viewer, "id"> | Pick<Assessor, "kind" | "linkId"> }): Promise<ExportOptions> {
  const [enabled, format, watermark] = await getParameters({
    keys: ["remote_session.video_download_enabled", "remote_session.download_format", "remote_session.download_watermark"],
  });
  const fmt = format!.value as ExportFormat;
  const enabledValue = enabled!.value === true;
  // An assessor's video always carries their email, whatever the parameter says: one video per link.
  if ("kind" in viewer) return { enabled: enabledValue, format: fmt, watermark: true, optionsKey: `${fmt}+watermark:share:${viewer.linkId}` };
  const wm = watermark!.value === true;
  return {
    enabled: enabledValue,
    format: fmt,
    watermark: wm,
    optionsKey: wm ? `${fmt}+watermark:${viewer.id}` : fmt,
  };
}

export const DOWNLOAD_DISABLED = "Session video download is turned off. An administrator can turn it on under System parameters > Remote session.";

/**
 * A finished video the watcher may download now. An account: it sees the
 * video's session (else 404, like a missing one), downloads are on (403), the
 * access rule allows a download (403: a justification or approval is
 * needed), the file is there (404). An assessor: the same, for the videos
 * made for their own link only (any other is a 404) while the link allows
 * downloads.
 */
export async function getDownloadableExport({ id, watcher }: { id: string; watcher: Watcher }) {
  const found = watcher.kind === "account" ? await getViewableExport({ id, viewer: watcher.viewer }) : await getSharedExport({ id, linkId: watcher.linkId });
  if (!found) {
    if (watcher.kind === "account")
      await recordRefusedAccess({ viewer: watcher.viewer, target: { type: "export", id }, asked: "video download", ip: await requestIp() });
    throw new AppError("Video not found.", 404);
  }
  if (!(await getParameter({ key: "remote_session.video_download_enabled" }))) {
    throw new AppError("Session video download is turned off.", 403);
  }
  const { export: exp, session } = found;
  const decision = await requireSessionAccess({ watcher, session, purpose: "download" });
  if (exp.status !== "done" || !exp.storageKey) throw new AppError("This video is not available (not finished, or deleted).", 404);
  return { export: exp, session, storageKey: exp.storageKey, decision };
}

/** "1h02m03s": a moment of a recording in a file name. */
function fileMoment(ms: number): string {
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m${String(s % 60).padStart(2, "0")}s`;
}

/**
 * session-<short hash>-<session start date>.<ext>, and for a clip
 * -clip-<from>-<to>: says what the file is once it sits in Downloads.
 */
export function downloadFileName(
  session: Pick<RemoteSession, "hash" | "startedAt">,
  ext: string,
  clip?: { clipStartMs: number | null; clipEndMs: number | null },
): string {
  const range = clip && clip.clipStartMs !== null && clip.clipEndMs !== null ? `-clip-${fileMoment(clip.clipStartMs)}-${fileMoment(clip.clipEndMs)}` : "";
  return `session-${session.hash.slice(0, 12)}-${session.startedAt.toISOString().slice(0, 10)}${range}.${ext}`;
}

/** The identity of a clip's conversion: the options and the range (one clip per session, range and options). */
export function clipOptionsKey(optionsKey: string, clip: ClipRange): string {
  return `${optionsKey}+clip:${clip.startMs}-${clip.endMs}`;
}

/**
 * Starts (or finds) the conversion of a session for the viewer: the viewer must
 * see the session, the parameter must be on. Asking again while one runs or
 * after one finished returns that one. With `clip`, only that part of the
 * recording (checked against its length: 400 naming the field "clip").
 */
export async function requestExport({
  hash,
  viewer,
  ip,
  clip = null,
}: {
  hash: string;
  viewer: Viewer;
  ip: string | null;
  clip?: ClipRange | null;
}): Promise<{ export: VideoExport; created: boolean; session: RemoteSession }> {
  const session = await getSessionByHash({ hash, viewer });
  if (!session) {
    await recordRefusedAccess({ viewer, target: { type: "session", id: hash }, asked: "video for download", ip });
    throw new AppError("Session not found.", 404);
  }
  const options = await currentExportOptions({ viewer });
  if (!options.enabled) throw new AppError(DOWNLOAD_DISABLED, 403);
  const watcher: Watcher = { kind: "account", viewer };
  const decision = await requireSessionAccess({ watcher, session, purpose: "download" });
  const recording = await getRecordingBySession({ sessionId: session.id });
  if (recording?.deletedAt) throw new AppError("This recording was deleted: there is nothing to convert.", 409);
  if (!recording || recording.status === "failed" || recording.status === "incomplete") {
    throw new AppError("This session has no complete recording to convert.", 409);
  }
  if (recording.status === "receiving") throw new AppError("The session is still being recorded. Try again when it has ended.", 409);
  let range: ClipRange | null = null;
  if (clip) {
    const checked = checkClip(clip, recording.durationMs ?? 0);
    if ("error" in checked) throw new AppError(checked.error, 400, "clip");
    range = checked;
  }

  const result = await createOrGetLiveExport({
    sessionId: session.id,
    requestedBy: viewer.id,
    format: options.format,
    watermark: options.watermark,
    optionsKey: range ? clipOptionsKey(options.optionsKey, range) : options.optionsKey,
    clipStartMs: range?.startMs ?? null,
    clipEndMs: range?.endMs ?? null,
  });
  if (result.created) {
    await convertVideoJob.send({ exportId: result.export.id });
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
    details: {
      exportId: result.export.id,
      format: options.format,
      watermark: options.watermark,
      reused: !result.created,
      ...(range ? { clip: { startMs: range.startMs, endMs: range.endMs } } : {}),
    },
  });
  await recordAccessUse({ watcher, session, decision, purpose: "download", ip });
  return { ...result, session };
}

/**
 * An assessor asks for their link's session as a video: downloads must be on
 * and allowed by the link; the video is made once per link, with the
 * assessor's email burned into the picture, and announced to them by email.
 */
export async function requestSharedExport({ assessor, ip }: { assessor: Assessor; ip: string | null }) {
  const session = await getSessionOfShareLink({ linkId: assessor.linkId });
  if (!session) throw new AppError("Session not found.", 404);
  const options = await currentExportOptions({ viewer: assessor });
  if (!options.enabled) throw new AppError("Session video download is turned off.", 403);
  await requireSessionAccess({ watcher: assessor, session, purpose: "download" });
  const recording = await getRecordingBySession({ sessionId: session.id });
  if (!recording || recording.status === "failed" || recording.status === "incomplete") {
    throw new AppError("This session has no complete recording to convert.", 409);
  }
  if (recording.status === "receiving") throw new AppError("The session is still being recorded. Try again when it has ended.", 409);
  const result = await createOrGetLiveExport({
    sessionId: session.id,
    requestedBy: assessor.createdBy,
    format: options.format,
    watermark: true,
    optionsKey: options.optionsKey,
    shareLinkId: assessor.linkId,
  });
  if (result.created) await convertVideoJob.send({ exportId: result.export.id });
  await recordAudit({
    actor: watcherActor(assessor),
    action: "export.requested",
    target: { type: "session", id: session.hash },
    ip,
    details: { exportId: result.export.id, format: options.format, watermark: true, reused: !result.created, ...watcherDetails(assessor) },
  });
  return { ...result, session };
}

/** The assessor's video of their link's session, for their download page. */
export async function getSharedExportForPage({ assessor }: { assessor: Assessor }) {
  const options = await currentExportOptions({ viewer: assessor });
  const current = await getLatestExport({ sessionId: assessor.sessionId, optionsKey: options.optionsKey });
  return { options, export: current };
}

/** Stops a conversion; only the requester or an admin may. */
export async function cancelExport({ id, viewer, ip }: { id: string; viewer: Viewer; ip: string | null }) {
  const found = await getViewableExport({ id, viewer });
  if (!found) {
    await recordRefusedAccess({ viewer, target: { type: "export", id }, asked: "cancel a video", ip });
    throw new AppError("Export not found.", 404);
  }
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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The export the page shows for a session: the live one for the current
 * options, else the last attempt. `announcedId` is the video an email
 * announced (its link names it): when it is another one than the current
 * (the download settings changed since, or it expired), it is returned as
 * `announced`, so the page shows that video, or says it is gone and offers
 * the current one. Only an export of this session counts. `clips`: the live
 * clips made with the current options.
 */
export async function getExportForPage({ session, viewer, announcedId }: { session: Pick<RemoteSession, "id">; viewer: Viewer; announcedId?: string | null }) {
  const options = await currentExportOptions({ viewer });
  const [current, clips] = await Promise.all([
    getLatestExport({ sessionId: session.id, optionsKey: options.optionsKey }),
    listLiveClips({ sessionId: session.id, optionsKey: options.optionsKey }),
  ]);
  // Someone who asked for a video another person's conversion was already making gets their own email.
  const ownEmail = current && current.requestedBy !== viewer.id ? await getRecipientEmail({ exportId: current.id, userId: viewer.id }) : null;
  let announced: VideoExport | null = null;
  if (announcedId && UUID.test(announcedId) && announcedId !== current?.id) {
    const found = await getViewableExport({ id: announcedId, viewer });
    if (found && found.session.id === session.id) announced = found.export;
  }
  return { options, export: current, ownEmail, announced, clips };
}
