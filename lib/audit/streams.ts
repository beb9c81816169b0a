import "server-only";
import { addPlaybackStreamBytes, addShareStreamBytes, openPlaybackStream, openShareStream } from "./queries";

/**
 * The audit of every byte of a recording that leaves the server, however it
 * is fetched (the player, `ffmpeg -i …/playlist.m3u8`, curl): each HLS
 * request (playlist, init and media segments, live media) calls
 * recordStreamed before its bytes are sent. The first request of a viewer,
 * session and hour writes a `session.streamed` audit entry, awaited, before
 * anything is served; later requests of that hour add their bytes to the
 * entry's counts (table playback_streams), gathered in memory and written
 * every FLUSH_MS, so a segment costs no database write of its own. A process
 * that dies loses at most that long of counting, never the entry.
 *
 * Any other path that serves recording bytes must call recordStreamed too.
 * An assessor of a sharing link (no account) is counted the same way per
 * confirmed browser (table share_streams), under the link recipient's email.
 */

const FLUSH_MS = 2_000;
/** Streams this process has opened (their entry exists); forgotten oldest first past this many. */
const KNOWN_MAX = 10_000;

type Pending = { userId: string | null; shareSessionId: string | null; sessionId: number; hour: Date; bytes: number; requests: number };

type State = { known: Set<string>; pending: Map<string, Pending>; timer: NodeJS.Timeout | null; flushing: Promise<void> | null };
const state: State = ((globalThis as { __sessionVideoStreams?: State }).__sessionVideoStreams ??= {
  known: new Set(),
  pending: new Map(),
  timer: null,
  flushing: null,
});

/** The start of the UTC hour of `at`. */
export function streamHour(at = new Date()): Date {
  const hour = new Date(at);
  hour.setUTCMinutes(0, 0, 0);
  return hour;
}

export type StreamedRequest = (
  | { viewer: { id: string; email: string }; assessor?: undefined }
  | {
      viewer?: undefined;
      /** An assessor's confirmed browser, their link, and the email it was shared with. */ assessor: { shareSessionId: string; linkId: string; email: string };
    }
) & {
  session: { id: number; hash: string };
  /** Bytes this answer sends (a playlist's length, a segment's range). */
  bytes: number;
  ip: string | null;
  /** What was fetched first ("playlist", "media", "live playlist", "live media"), kept on the entry. */
  resource: string;
};

export async function recordStreamed(request: StreamedRequest): Promise<void> {
  const hour = streamHour();
  const who = request.viewer ? `u:${request.viewer.id}` : `a:${request.assessor.shareSessionId}`;
  const key = `${who}:${request.session.id}:${hour.getTime()}`;
  if (state.known.has(key)) {
    const pending = state.pending.get(key) ?? {
      userId: request.viewer?.id ?? null,
      shareSessionId: request.assessor?.shareSessionId ?? null,
      sessionId: request.session.id,
      hour,
      bytes: 0,
      requests: 0,
    };
    pending.bytes += request.bytes;
    pending.requests += 1;
    state.pending.set(key, pending);
    state.timer ??= setTimeout(() => void flushStreamed(), FLUSH_MS).unref();
    return;
  }
  const entry = {
    actorId: request.viewer?.id ?? null,
    actorEmail: request.viewer?.email ?? request.assessor!.email,
    action: "session.streamed",
    targetType: "session",
    targetId: request.session.hash,
    ip: request.ip,
    details: {
      hour: hour.toISOString(),
      first: request.resource,
      ...(request.assessor ? { via: "share-link", shareLinkId: request.assessor.linkId } : {}),
    },
  };
  if (request.viewer) {
    await openPlaybackStream({ userId: request.viewer.id, sessionId: request.session.id, hour, bytes: request.bytes, entry });
  } else {
    await openShareStream({ shareSessionId: request.assessor.shareSessionId, sessionId: request.session.id, hour, bytes: request.bytes, entry });
  }
  state.known.add(key);
  if (state.known.size > KNOWN_MAX) state.known.delete(state.known.values().next().value!);
}

/** Writes the counts gathered since the last flush (also called at shutdown, and by tests). */
export async function flushStreamed(): Promise<void> {
  if (state.timer) clearTimeout(state.timer);
  state.timer = null;
  await state.flushing;
  const rows = [...state.pending.values()];
  state.pending.clear();
  if (rows.length === 0) return;
  const accounts = rows.flatMap((r) => (r.userId ? [{ ...r, userId: r.userId }] : []));
  const assessors = rows.flatMap((r) => (r.shareSessionId ? [{ ...r, shareSessionId: r.shareSessionId }] : []));
  state.flushing = Promise.all([addPlaybackStreamBytes(accounts), addShareStreamBytes(assessors)])
    .then(() => undefined)
    .catch((error: unknown) => {
      // The entries exist; only these seconds of counting are lost.
      console.error(`[audit] could not add the bytes of ${rows.length} stream(s): ${error instanceof Error ? error.message : "unknown error"}`);
    });
  await state.flushing;
  state.flushing = null;
}
