import { defineMediaRoute, hlsUrls, mediaNotFound, playlistResponse, sessionParams } from "@/lib/hls/http";
import { renderLivePlaylist } from "@/lib/hls/live-playlist";

export const dynamic = "force-dynamic";

// GET /api/sessions/[hash]/hls/live.m3u8 - the growing EVENT playlist of a session still being recorded
export const GET = defineMediaRoute({
  name: "hls live playlist",
  params: sessionParams,
  handler: async ({ recording, session }) => {
    const finished = recording.status !== "receiving";
    const body = await renderLivePlaylist({ recordingId: recording.id, finished, mediaUrl: hlsUrls.liveMedia(session.hash) });
    if (body === null) throw mediaNotFound();
    return playlistResponse(body, "no-cache");
  },
});
