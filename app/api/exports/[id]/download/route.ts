import { Readable } from "node:stream";
import rangeParser from "range-parser";
import { z } from "zod";
import { recordAudit } from "@/lib/audit";
import { getViewer, requestIp } from "@/lib/auth/viewer";
import { getParameter } from "@/lib/db/queries/parameters";
import { getViewableExport } from "@/lib/exports";
import { getStorage } from "@/lib/storage";

const params = z.object({ id: z.uuid() });

const CONTENT_TYPES = { mp4: "video/mp4", webm: "video/webm" } as const;

function text(status: number, message: string, headers: Record<string, string> = {}) {
  return new Response(message, { status, headers: { "Content-Type": "text/plain; charset=utf-8", ...headers } });
}

/** session-<short hash>-<session start date>.<ext>: says what the file is once it sits in Downloads. */
function fileName(hash: string, startedAt: Date, ext: string) {
  return `session-${hash.slice(0, 12)}-${startedAt.toISOString().slice(0, 10)}.${ext}`;
}

// GET /api/exports/[id]/download - streams a finished video for download, with HTTP Range; every request is audited.
export async function GET(request: Request, context: { params: Promise<{ id: string }> }) {
  const parsed = params.safeParse(await context.params);
  if (!parsed.success) return text(400, "Not an export ID.");
  const viewer = await getViewer();
  if (!viewer) return text(401, "Sign in to download this video.");
  const found = await getViewableExport({ id: parsed.data.id, viewer });
  if (!found) return text(404, "Video not found.");
  if (!(await getParameter({ key: "remote_session.video_download_enabled" }))) {
    return text(403, "Session video download is turned off.");
  }
  const { export: exp, session } = found;
  if (exp.status !== "done" || !exp.storageKey) return text(404, "This video is not available (not finished, or deleted).");
  const storage = getStorage();
  const object = await storage.stat(exp.storageKey);
  if (!object) return text(404, "This video is not available any more.");

  const size = object.size;
  const headers: Record<string, string> = {
    "Content-Type": CONTENT_TYPES[exp.format],
    "Accept-Ranges": "bytes",
    "Content-Disposition": `attachment; filename="${fileName(session.hash, session.startedAt, exp.format)}"`,
    "Cache-Control": "private, no-store",
    "Last-Modified": object.modifiedAt.toUTCString(),
  };
  const rangeHeader = request.headers.get("range");
  let range: { start: number; end: number } | undefined;
  if (rangeHeader) {
    const ranges = rangeParser(size, rangeHeader, { combine: true });
    if (ranges === -1) return text(416, "Range not satisfiable.", { "Content-Range": `bytes */${size}`, "Accept-Ranges": "bytes" });
    // -2 (malformed) is ignored as the RFC allows: the whole file follows.
    if (ranges !== -2 && ranges.type === "bytes" && ranges.length === 1) range = ranges[0];
  }

  await recordAudit({
    actor: viewer,
    action: "session.downloaded",
    target: { type: "session", id: session.hash },
    ip: await requestIp(),
    details: { exportId: exp.id, format: exp.format, range: range ? `${range.start}-${range.end}` : null },
  });

  const body = Readable.toWeb(await storage.read(exp.storageKey, range)) as ReadableStream<Uint8Array>;
  if (range) {
    return new Response(body, {
      status: 206,
      headers: { ...headers, "Content-Range": `bytes ${range.start}-${range.end}/${size}`, "Content-Length": String(range.end - range.start + 1) },
    });
  }
  return new Response(body, { status: 200, headers: { ...headers, "Content-Length": String(size) } });
}
