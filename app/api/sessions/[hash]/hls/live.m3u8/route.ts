import { authorizePlayback, hlsUrls, mediaNotFound, playlistResponse, sessionParams, SIGN_IN_TO_PLAY } from "@/lib/hls/http";
import { getLiveView } from "@/lib/hls/live";
import { renderPlaylist } from "@/lib/hls/playlist";
import { defineRoute } from "@/lib/http/route";

export const dynamic = "force-dynamic";

// GET /api/sessions/[hash]/hls/live.m3u8 - the growing EVENT playlist of a session still being recorded
export const GET = defineRoute({
  name: "hls live playlist",
  caller: "session-cookie",
  params: sessionParams,
  signIn: SIGN_IN_TO_PLAY,
  handler: async ({ params, sessionToken }) => {
    const { recording, session } = await authorizePlayback({ hash: params.hash, sessionToken });
    const finished = recording.status !== "receiving";
    const view = await getLiveView(recording.id, { finished });
    if (!view.init) throw mediaNotFound();
    return playlistResponse(
      renderPlaylist({ mediaUrl: hlsUrls.liveMedia(session.hash), init: view.init, segments: view.segments, kind: finished ? "vod" : "event" }),
      "no-cache",
    );
  },
});
