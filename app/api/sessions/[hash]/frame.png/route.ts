import { z } from "zod";
import { recordAudit } from "@/lib/audit";
import { requestIp } from "@/lib/auth/viewer";
import { AppError } from "@/lib/errors";
import { formatDateTime, formatDuration } from "@/lib/format";
import { captureFrame } from "@/lib/hls/frame";
import { defineMediaRoute, mediaNotFound, sessionParams } from "@/lib/hls/http";
import { probeMedia } from "@/lib/media/probe";
import { getRecordingById } from "@/lib/recordings/queries";
import { watcherActor, watcherDetails } from "@/lib/access";
import { getSessionByHash, getSessionOfShareLink } from "@/lib/sessions/queries";
import { getStorage, storageKeys } from "@/lib/storage";

export const dynamic = "force-dynamic";

/** `?t=83.4`: seconds into the recording, plain decimal (as the player writes currentTime). */
const atParam = z
  .string()
  .regex(/^\d{1,7}(\.\d{1,6})?$/, "The moment must be a number of seconds.")
  .transform(Number);

/** "0h01m23s": a moment in a file name. */
const fileMoment = (ms: number) => {
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m${String(s % 60).padStart(2, "0")}s`;
};

// GET /api/sessions/[hash]/frame.png?t=<seconds> - "Save frame": the PNG of the frame at that moment with a caption strip; audited
export const GET = defineMediaRoute({
  name: "still frame",
  params: sessionParams,
  handler: async ({ request, params, watcher, recording }) => {
    const at = atParam.safeParse(new URL(request.url).searchParams.get("t") ?? "");
    if (!at.success) throw new AppError(at.error.issues[0]?.message ?? "Bad moment.", 400, "t");
    const atMs = Math.round(at.data * 1000);
    if (recording.durationMs !== null && atMs >= recording.durationMs) throw new AppError("The moment is after the end of the recording.", 400, "t");
    const [session, facts] = await Promise.all([
      // An assessor's link names its session; an account sees the session by the rule of its role.
      watcher.kind === "account" ? getSessionByHash({ hash: params.hash, viewer: watcher.viewer }) : getSessionOfShareLink({ linkId: watcher.linkId }),
      getRecordingById({ id: recording.id }),
    ]);
    if (!session || !facts || facts.status !== "ready") throw mediaNotFound();
    const key = recording.playableKey ?? storageKeys.media(recording.id);
    const local = await getStorage()
      .localPath(key)
      .catch(() => null);
    if (!local) throw mediaNotFound();
    const now = new Date();
    const caption = [
      `Session ${session.hash} · ${session.protocol.toUpperCase()} ${session.credentialUsername}@${session.host} · user ${session.userName}`,
      `${formatDuration(atMs)} into the session (${formatDateTime(new Date(session.startedAt.getTime() + atMs), "UTC")})`,
      `Saved by ${watcher.kind === "account" ? `${watcher.viewer.name} <${watcher.viewer.email}>` : `assessor ${watcher.email}`} on ${formatDateTime(now, "UTC")}`,
    ];
    let png: Buffer | null;
    try {
      // The strip is sized to the picture: its height as probed at ingestion, or read now.
      const height = facts.height ?? (await probeMedia(local.path).catch(() => null))?.height ?? 720;
      png = await captureFrame({ file: local.path, atS: atMs / 1000, height, caption });
    } finally {
      await local.release().catch(() => {});
    }
    // Past the last frame (a recording whose length is not known exactly): nothing to show.
    if (!png) throw new AppError("There is no frame at that moment of the recording.", 400, "t");
    await recordAudit({
      actor: watcherActor(watcher),
      action: "session.frame_saved",
      target: { type: "session", id: session.hash },
      ip: await requestIp(),
      details: { tMs: atMs, ...watcherDetails(watcher) },
    });
    return new Response(new Uint8Array(png), {
      headers: {
        "Content-Type": "image/png",
        "Content-Length": String(png.length),
        "Content-Disposition": `attachment; filename="session-${session.hash.slice(0, 12)}-frame-${fileMoment(atMs)}.png"`,
        "Cache-Control": "private, no-store",
      },
    });
  },
});
