import "server-only";
import { getLiveView } from "./live";
import { renderPlaylist } from "./playlist";

/**
 * The live (EVENT) playlist of a recording from the chunks received so far,
 * or null while no complete segment is there. Each answer extends the one
 * before it (RFC 8216 §6.2.1): the same target duration from the first
 * (LIVE_TARGET_DURATION_S), segments only appended, and once the recording is
 * finished EXT-X-ENDLIST appended, still as an EVENT playlist.
 */
export async function renderLivePlaylist(input: { recordingId: number; finished: boolean; mediaUrl: string }): Promise<string | null> {
  const view = await getLiveView(input.recordingId, { finished: input.finished });
  if (!view.init) return null;
  return renderPlaylist({ mediaUrl: input.mediaUrl, init: view.init, segments: view.segments, kind: "event", ended: input.finished });
}
