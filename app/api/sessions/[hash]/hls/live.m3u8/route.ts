import { defineMediaRoute, hlsUrls, mediaNotFound, playlistResponse, sessionParams } from "@/lib/hls/http";
import { getLiveView } from "@/lib/hls/live";
import { renderPlaylist } from "@/lib/hls/playlist";

export const dynamic = "force-dynamic";

// GET /api/sessions/[hash]/hls/live.m3u8 - the growing EVENT playlist of a session still being recorded
export const GET = defineMediaRoute({
  name: "hls live playlist",
  params: sessionParams,
  handler: async ({ recording, session }) => {
    const finished = recording.status !== "receiving";
    const view = await getLiveView(recording.id, { finished });
    if (!view.init) throw mediaNotFound();
    const kind = finished ? "vod" : "event";
    return playlistResponse(renderPlaylist({ mediaUrl: hlsUrls.liveMedia(session.hash), init: view.init, segments: view.segments, kind }), "no-cache");
  },
});
