import "server-only";
import { z } from "zod";
import { recordRefusedAccess } from "@/lib/audit";
import { recordStreamed } from "@/lib/audit/streams";
import { requestIp, type SessionToken, type Viewer } from "@/lib/auth/viewer";
import { sessionHashSchema } from "@/lib/domain/sessions";
import { AppError } from "@/lib/errors";
import { defineRoute } from "@/lib/http/route";
import { getPlaybackAccess, type PlaybackAccess } from "./queries";

export const generationParam = z.string().regex(/^[a-z0-9]{6,32}$/);

/** The path parameters of the HLS routes, built once: zod compiles an object schema on its first use. */
export const sessionParams = z.object({ hash: sessionHashSchema });
export const generationParams = z.object({ hash: sessionHashSchema, generation: generationParam });

export const PLAYLIST_TYPE = "application/vnd.apple.mpegurl";

export const SIGN_IN_TO_PLAY = "Sign in to play this session.";

/** The same answer for a missing session, one the viewer may not see, and one without a recording. */
export const mediaNotFound = () => new AppError("Not found", 404);

/**
 * Access to a session's media, after the route checked the parameters (400)
 * and decoded the session cookie (401): the account (disabled, signed out or
 * idle since: 401) and the session with its recording as that viewer may see
 * it (404, the same for "missing" and "not yours", and a refusal in the audit
 * trail), read in one round trip.
 */
export async function authorizePlayback({
  hash,
  sessionToken,
  asked,
}: {
  hash: string;
  sessionToken: SessionToken;
  /** What the request is for, in the audit trail when it is refused. */
  asked: string;
}): Promise<{ viewer: Viewer } & PlaybackAccess> {
  const { viewer, access, visible } = await getPlaybackAccess({ hash, token: sessionToken });
  if (!viewer) throw new AppError(SIGN_IN_TO_PLAY, 401);
  if (!access) {
    if (!visible) await recordRefusedAccess({ viewer, target: { type: "session", id: hash }, asked, ip: await requestIp() });
    throw mediaNotFound();
  }
  return { viewer, ...access };
}

/**
 * A route handler of a session's media (the HLS routes): the path parameters
 * (400), the session cookie (401), then authorizePlayback; the handler gets
 * the viewer, the session and its recording. Every answer with bytes of the
 * recording (a GET answered 200 or 206) is audited before it is sent, with its
 * length (lib/audit/streams.ts): one `session.streamed` entry per viewer,
 * session and hour, however the stream is fetched.
 */
export function defineMediaRoute<P extends z.ZodType<{ hash: string }>>(config: {
  name: string;
  params: P;
  handler: (context: { request: Request; params: z.infer<P> } & Awaited<ReturnType<typeof authorizePlayback>>) => Promise<Response>;
}) {
  return defineRoute({
    name: config.name,
    caller: "session-cookie",
    params: config.params,
    signIn: SIGN_IN_TO_PLAY,
    handler: async ({ request, params, sessionToken }) => {
      const path = params as z.infer<P>;
      const access = await authorizePlayback({ hash: path.hash, sessionToken, asked: config.name });
      const response = await config.handler({ request, params: path, ...access });
      if (request.method === "GET" && (response.status === 200 || response.status === 206)) {
        await recordStreamed({
          viewer: access.viewer,
          session: access.session,
          bytes: Number(response.headers.get("content-length") ?? 0) || 0,
          ip: await requestIp(),
          resource: config.name,
        });
      }
      return response;
    },
  });
}

export function playlistResponse(body: string, cache: "no-cache" | "short") {
  return new Response(body, {
    headers: {
      "Content-Type": PLAYLIST_TYPE,
      // Also what the audit of the stream counts (defineMediaRoute).
      "Content-Length": String(Buffer.byteLength(body)),
      // The playlist of a finished recording changes only with a new generation, but it is
      // cheap; revalidating keeps a swapped (re-encoded) file from mixing with an old list.
      "Cache-Control": cache === "short" ? "private, max-age=10" : "private, no-cache",
    },
  });
}

/**
 * Rendered VOD playlists by recording and generation: a generation never
 * changes, so after the first request a playlist costs one small query
 * whatever the recording's length (the jsonb of a 10-hour recording is not
 * read or parsed again).
 */
const rendered = new Map<string, string>();
const RENDERED_MAX = 200;

export function cachedPlaylist(recordingId: number, generation: string, hash: string): string | undefined {
  const key = `${recordingId}:${generation}:${hash}`;
  const hit = rendered.get(key);
  if (hit !== undefined) {
    rendered.delete(key); // most recently used last
    rendered.set(key, hit);
  }
  return hit;
}

export function rememberPlaylist(recordingId: number, generation: string, hash: string, body: string) {
  rendered.set(`${recordingId}:${generation}:${hash}`, body);
  while (rendered.size > RENDERED_MAX) rendered.delete(rendered.keys().next().value!);
}

/** URLs of a session's HLS resources; storage keys never appear in them. */
export const hlsUrls = {
  playlist: (hash: string) => `/api/sessions/${encodeURIComponent(hash)}/hls/playlist.m3u8`,
  live: (hash: string) => `/api/sessions/${encodeURIComponent(hash)}/hls/live.m3u8`,
  /**
   * The media file as the VOD playlist names it: relative to the playlist's URL (RFC 8216 §4.1),
   * so that each of a 2-hour recording's 1 800 segments costs 26 bytes of URI instead of ~75.
   * Our web server gzips playlists for clients that accept it (lib/http/web-server.ts: Next.js
   * compresses nothing here and drops a Content-Encoding a route handler sets).
   */
  mediaFromPlaylist: (generation: string) => `v/${generation}/media.mp4`,
  liveMedia: (hash: string) => `/api/sessions/${encodeURIComponent(hash)}/hls/live/media.mp4`,
  thumbnails: (hash: string) => `/api/sessions/${encodeURIComponent(hash)}/thumbnails/index.json`,
  thumbnailSheet: (hash: string, generation: string, sheet: number, count: number) =>
    `/api/sessions/${encodeURIComponent(hash)}/thumbnails/${generation}/${sheet}-${count}.jpg`,
  frame: (hash: string) => `/api/sessions/${encodeURIComponent(hash)}/frame.png`,
};
