import { authorizePlayback, hlsUrls, notFound, playlistResponse, sessionParams } from "@/lib/hls/http";
import { getLiveView } from "@/lib/hls/live";
import { renderPlaylist } from "@/lib/hls/playlist";

export const dynamic = "force-dynamic";

// GET /api/sessions/[hash]/hls/live.m3u8 - the growing EVENT playlist of a session still being recorded
export async function GET(_request: Request, { params }: { params: Promise<{ hash: string }> }) {
  const auth = await authorizePlayback(await params, sessionParams);
  if (!auth.ok) return auth.response;
  const { recording, session } = auth;
  const finished = recording.status !== "receiving";
  const view = await getLiveView(recording.id, { finished });
  if (!view.init) return notFound();
  return playlistResponse(
    renderPlaylist({ mediaUrl: hlsUrls.liveMedia(session.hash), init: view.init, segments: view.segments, kind: finished ? "vod" : "event" }),
    "no-cache",
  );
}
