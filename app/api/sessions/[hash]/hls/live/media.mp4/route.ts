import { authorizePlayback, mediaNotFound, sessionParams, SIGN_IN_TO_PLAY } from "@/lib/hls/http";
import { getLiveChunks, streamRange } from "@/lib/hls/live";
import { defineRoute } from "@/lib/http/route";
import { rangeResponse } from "@/lib/http/range";

export const dynamic = "force-dynamic";

// GET /api/sessions/[hash]/hls/live/media.mp4 - byte ranges of the chunks received so far
export const GET = defineRoute({
  name: "hls live media",
  caller: "session-cookie",
  params: sessionParams,
  signIn: SIGN_IN_TO_PLAY,
  handler: async ({ request, params, sessionToken }) => {
    const { recording } = await authorizePlayback({ hash: params.hash, sessionToken });
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
