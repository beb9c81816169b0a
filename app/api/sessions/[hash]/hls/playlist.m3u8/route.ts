import { cachedPlaylist, defineMediaRoute, hlsUrls, mediaNotFound, playlistResponse, rememberPlaylist, sessionParams } from "@/lib/hls/http";
import { playlistToServe } from "@/lib/hls/playback";
import { renderPlaylist } from "@/lib/hls/playlist";

export const dynamic = "force-dynamic";

// GET /api/sessions/[hash]/hls/playlist.m3u8 - the VOD playlist of a finished recording (segments it on demand)
export const GET = defineMediaRoute({
  name: "hls playlist",
  params: sessionParams,
  handler: async ({ recording, session, playable }) => {
    if (playable) {
      const cached = cachedPlaylist(recording.id, playable.generation, session.hash);
      if (cached) return playlistResponse(cached, "no-cache");
    }
    const playlist = await playlistToServe(recording);
    if (!playlist.segments.length) throw mediaNotFound();
    const body = renderPlaylist({
      mediaUrl: hlsUrls.mediaFromPlaylist(playlist.generation),
      init: playlist.init,
      segments: playlist.segments,
      kind: "vod",
    });
    rememberPlaylist(recording.id, playlist.generation, session.hash, body);
    return playlistResponse(body, "no-cache");
  },
});
