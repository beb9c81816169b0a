import { z } from "zod";
import { recordAccessUse, watcherActor, watcherDetails } from "@/lib/access";
import { recordAudit } from "@/lib/audit";
import { requestIp } from "@/lib/auth/viewer";
import { AppError } from "@/lib/errors";
import { downloadFileName, getDownloadableExport } from "@/lib/exports";
import { defineRoute } from "@/lib/http/route";
import { rangeResponse } from "@/lib/http/range";
import { getStorage } from "@/lib/storage";

const CONTENT_TYPES = { mp4: "video/mp4", webm: "video/webm" } as const;

/**
 * A finished video, whole or by HTTP Range; every GET is audited, with the
 * range it asked for. A signed-in account, or an assessor for the video made
 * for their sharing link (getDownloadableExport checks which, and the access rule).
 */
const serve = defineRoute({
  name: "export download",
  caller: "watcher",
  params: z.object({ id: z.uuid("Not an export ID.") }),
  signIn: "Sign in to download this video.",
  handler: async ({ request, params, watcher }) => {
    const { export: exp, session, storageKey, decision } = await getDownloadableExport({ id: params.id, watcher });
    const storage = getStorage();
    const object = await storage.stat(storageKey);
    if (!object) throw new AppError("This video is not available any more.", 404);
    return rangeResponse({
      request,
      size: object.size,
      contentType: CONTENT_TYPES[exp.format],
      cacheControl: "private, no-store",
      // Strong: the file of a finished export never changes (another conversion is another export).
      etag: `"${exp.id}-${object.size}"`,
      headers: {
        "Content-Disposition": `attachment; filename="${downloadFileName(session, exp.format, exp)}"`,
        "Last-Modified": object.modifiedAt.toUTCString(),
      },
      open: (range) => storage.read(storageKey, range),
      onServe: async (range) => {
        const ip = await requestIp();
        await recordAudit({
          actor: watcherActor(watcher),
          action: "session.downloaded",
          target: { type: "session", id: session.hash },
          ip,
          details: {
            exportId: exp.id,
            format: exp.format,
            range: range ? `${range.start}-${range.end}` : null,
            ...(exp.clipStartMs !== null ? { clip: { startMs: exp.clipStartMs, endMs: exp.clipEndMs } } : {}),
            ...watcherDetails(watcher),
          },
        });
        await recordAccessUse({ watcher, session, decision, purpose: "download", ip });
      },
    });
  },
});

// GET /api/exports/[id]/download - streams a finished video for download, with HTTP Range; every request is audited.
export const GET = serve;

// HEAD /api/exports/[id]/download - the video's size and range support, without its bytes.
export const HEAD = serve;
