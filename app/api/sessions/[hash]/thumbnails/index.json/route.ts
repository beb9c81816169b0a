import { defineMediaRoute, hlsUrls, sessionParams } from "@/lib/hls/http";
import { getThumbnails } from "@/lib/hls/queries";
import { thumbnailIndexFor } from "@/lib/hls/thumbnail-index";

export const dynamic = "force-dynamic";

// GET /api/sessions/[hash]/thumbnails/index.json - the timeline thumbnails' index: sheet URLs and the time of each picture
export const GET = defineMediaRoute({
  name: "thumbnails index",
  params: sessionParams,
  handler: async ({ recording, session }) => {
    const stored = await getThumbnails({ recordingId: recording.id });
    // No thumbnails (yet, or the recording has no picture): the player keeps its time-only hover.
    const index = stored && stored.status !== "failed" ? thumbnailIndexFor(stored, (g, n, count) => hlsUrls.thumbnailSheet(session.hash, g, n, count)) : null;
    const body = JSON.stringify({ index, pending: stored?.status !== "complete" && stored?.status !== "failed" });
    return new Response(body, {
      headers: {
        "Content-Type": "application/json; charset=utf-8",
        "Content-Length": String(Buffer.byteLength(body)),
        "Cache-Control": "private, no-cache",
      },
    });
  },
});
