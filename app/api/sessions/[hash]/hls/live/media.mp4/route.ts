import { authorizePlayback, notFound, rangeResponse, sessionParams } from "@/lib/hls/http";
import { getLiveChunks, streamRange } from "@/lib/hls/live";

export const dynamic = "force-dynamic";

// GET /api/sessions/[hash]/hls/live/media.mp4 - byte ranges of the chunks received so far
export async function GET(request: Request, { params }: { params: Promise<{ hash: string }> }) {
  const auth = await authorizePlayback(await params, sessionParams);
  if (!auth.ok) return auth.response;
  const { recording } = auth;
  const view = await getLiveChunks(recording.id);
  if (!view.size) return notFound();
  return rangeResponse({
    request,
    size: view.size,
    contentType: "video/mp4",
    // Chunks never change once received, but the object grows: no long-lived caching.
    cacheControl: "private, no-cache",
    open: (range) => streamRange(recording.id, view.pieces, range?.start ?? 0, range?.end ?? view.size - 1),
  });
}
