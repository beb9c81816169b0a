import { defineMediaRoute, mediaNotFound, sessionParams } from "@/lib/hls/http";
import { getLiveChunks, streamRange } from "@/lib/hls/live";
import { rangeResponse } from "@/lib/http/range";

export const dynamic = "force-dynamic";

// GET /api/sessions/[hash]/hls/live/media.mp4 - byte ranges of the chunks received so far
export const GET = defineMediaRoute({
  name: "hls live media",
  params: sessionParams,
  handler: async ({ request, recording }) => {
    const view = await getLiveChunks(recording.id);
    if (!view.size) throw mediaNotFound();
    return rangeResponse({
      request,
      size: view.size,
      contentType: "video/mp4",
      // Chunks never change once received, but the object grows: no long-lived caching.
      cacheControl: "private, no-cache",
      open: (range) => streamRange(recording.id, view.pieces, range?.start ?? 0, range?.end ?? view.size - 1),
    });
  },
});
