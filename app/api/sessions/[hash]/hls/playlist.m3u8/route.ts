import { authorizePlayback, cachedPlaylist, hlsUrls, notFound, playlistResponse, rememberPlaylist, sessionParams } from "@/lib/hls/http";
import { ensurePlayable, NeedsBackgroundPreparation } from "@/lib/hls/prepare";
import { enqueuePlaybackPreparation } from "@/lib/jobs/prepare-playback";
import { renderPlaylist } from "@/lib/hls/playlist";
import { getStoredPlaylist } from "@/lib/hls/queries";
import { getStorage, storageKeys } from "@/lib/storage";

export const dynamic = "force-dynamic";

// GET /api/sessions/[hash]/hls/playlist.m3u8 - the VOD playlist of a finished recording (segments it on demand)
export async function GET(_request: Request, { params }: { params: Promise<{ hash: string }> }) {
  const auth = await authorizePlayback(await params, sessionParams);
  if (!auth.ok) return auth.response;
  const { recording, session } = auth;
  if (auth.playable) {
    const cached = cachedPlaylist(recording.id, auth.playable.generation, session.hash);
    if (cached) return playlistResponse(cached, "no-cache");
  }
  let playlist = await getStoredPlaylist({ recordingId: recording.id });
  if (!playlist) {
    // Media exists once the recording is complete ("processing" until the probe, then "ready").
    if (recording.status !== "ready" && recording.status !== "processing") {
      return new Response(`The recording is ${recording.status}`, {
        status: 409,
        headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" },
      });
    }
    if (!(await getStorage().stat(storageKeys.media(recording.id)))) {
      // In a cluster the row can arrive before the file: it is still being copied to this node.
      return new Response("The recording is synchronizing to this server", {
        status: 503,
        headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store", "Retry-After": "5" },
      });
    }
    try {
      // Not prepared in the background yet: segment now; concurrent requests share this run.
      playlist = await ensurePlayable(recording.id, { onDemand: true, facts: recording });
      // The rest (activity for the heatmap, a re-encode of long keyframe intervals) is the job's;
      // its singleton key makes this a no-op when it is queued already.
      void enqueuePlaybackPreparation(recording.id).catch((error) => console.error("[hls] could not queue the preparation", error));
    } catch (error) {
      if (error instanceof NeedsBackgroundPreparation) {
        // Encoding takes minutes: hand it to the worker and let the client come back.
        await enqueuePlaybackPreparation(recording.id);
        return new Response("The recording is being prepared for playback", {
          status: 503,
          headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store", "Retry-After": "5" },
        });
      }
      console.error(`[hls] on-demand preparation of recording ${recording.id} failed`, error);
      return new Response("The recording cannot be played", {
        status: 422,
        headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" },
      });
    }
  }
  if (!playlist.segments.length) return notFound();
  const body = renderPlaylist({
    mediaUrl: hlsUrls.mediaFromPlaylist(playlist.generation),
    init: playlist.init,
    segments: playlist.segments,
    kind: "vod",
  });
  rememberPlaylist(recording.id, playlist.generation, session.hash, body);
  return playlistResponse(body, "no-cache");
}
