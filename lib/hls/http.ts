import "server-only";
import { Readable } from "node:stream";
import parseRange from "range-parser";
import { z } from "zod";
import { sessionHashSchema } from "@/lib/domain/sessions";
import { getSessionToken, type Viewer } from "@/lib/auth/viewer";
import { getPlaybackAccess, type PlaybackAccess } from "./queries";

export const generationParam = z.string().regex(/^[a-z0-9]{6,32}$/);

/** The path parameters of the HLS routes, built once: zod compiles an object schema on its first use. */
export const sessionParams = z.object({ hash: sessionHashSchema });
export const generationParams = z.object({ hash: sessionHashSchema, generation: generationParam });

export const PLAYLIST_TYPE = "application/vnd.apple.mpegurl";

function text(status: number, message: string, headers: Record<string, string> = {}) {
  return new Response(message, { status, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store", ...headers } });
}

export const notFound = () => text(404, "Not found");

/**
 * Access to a session's media, in the order the house style asks: the
 * parameters (400), the signed-in viewer (401), then the session and its
 * recording as that viewer may see them (404, the same for "missing" and
 * "not yours"); the account and the session are read in one round trip.
 */
export async function authorizePlayback<Params extends { hash: string }>(
  params: unknown,
  schema: z.ZodType<Params>,
): Promise<({ ok: true; viewer: Viewer; params: Params } & PlaybackAccess) | { ok: false; response: Response }> {
  const parsed = schema.safeParse(params);
  if (!parsed.success) return { ok: false, response: text(400, "Invalid request") };
  const signIn = () => text(401, "Sign in to play this session", { "WWW-Authenticate": 'Cookie realm="session-video"' });
  const token = await getSessionToken();
  if (!token) return { ok: false, response: signIn() };
  const data = parsed.data;
  const { viewer, access } = await getPlaybackAccess({ hash: data.hash, token });
  if (!viewer) return { ok: false, response: signIn() };
  if (!access) return { ok: false, response: notFound() };
  return { ok: true, viewer, ...access, params: data };
}

export function playlistResponse(body: string, cache: "no-cache" | "short") {
  return new Response(body, {
    headers: {
      "Content-Type": PLAYLIST_TYPE,
      // The playlist of a finished recording changes only with a new generation, but it is
      // cheap; revalidating keeps a swapped (re-encoded) file from mixing with an old list.
      "Cache-Control": cache === "short" ? "private, max-age=10" : "private, no-cache",
    },
  });
}

/** HLS segments are a few hundred kilobytes; above this a range is streamed, so memory per request stays small. */
const WHOLE_RANGE_MAX = 2 * 1024 * 1024;

/**
 * A byte-range response (RFC 9110 §14): 206 with Content-Range for one range,
 * 200 for the whole object, 416 for a range outside it. Multiple ranges are
 * answered with the whole object (allowed, and no HLS client asks for them).
 */
export async function rangeResponse(input: {
  request: Request;
  size: number;
  contentType: string;
  cacheControl: string;
  etag?: string;
  open: (range?: { start: number; end: number }) => Promise<Readable>;
  /** Reads a small range whole (one read instead of a stream); ranges of WHOLE_RANGE_MAX or more stream. */
  readRange?: (range: { start: number; end: number }) => Promise<Buffer>;
}): Promise<Response> {
  const base: Record<string, string> = {
    "Content-Type": input.contentType,
    "Accept-Ranges": "bytes",
    "Cache-Control": input.cacheControl,
    "X-Content-Type-Options": "nosniff",
  };
  if (input.etag) base.ETag = input.etag;
  const header = input.request.headers.get("range");
  let range: { start: number; end: number } | undefined;
  if (header) {
    const parsed = parseRange(input.size, header, { combine: true });
    if (parsed === -1) {
      return new Response(null, { status: 416, headers: { ...base, "Content-Range": `bytes */${input.size}` } });
    }
    if (parsed !== -2 && parsed.type === "bytes" && parsed.length === 1) range = parsed[0];
    // -2 (malformed) or several ranges: the whole object, as RFC 9110 allows.
  }
  if (input.request.method === "HEAD") {
    const length = range ? range.end - range.start + 1 : input.size;
    return new Response(null, {
      status: range ? 206 : 200,
      headers: { ...base, "Content-Length": String(length), ...(range ? { "Content-Range": `bytes ${range.start}-${range.end}/${input.size}` } : {}) },
    });
  }
  if (range && input.readRange && range.end - range.start < WHOLE_RANGE_MAX) {
    const bytes = await input.readRange(range);
    // Handed over as a one-piece stream: a Response made from the buffer itself would copy it.
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes);
        controller.close();
      },
    });
    return new Response(body, {
      status: 206,
      headers: { ...base, "Content-Length": String(range.end - range.start + 1), "Content-Range": `bytes ${range.start}-${range.end}/${input.size}` },
    });
  }
  const stream = await input.open(range);
  input.request.signal.addEventListener("abort", () => stream.destroy(), { once: true });
  const body = Readable.toWeb(stream) as ReadableStream<Uint8Array>;
  if (range) {
    return new Response(body, {
      status: 206,
      headers: { ...base, "Content-Length": String(range.end - range.start + 1), "Content-Range": `bytes ${range.start}-${range.end}/${input.size}` },
    });
  }
  return new Response(body, { status: 200, headers: { ...base, "Content-Length": String(input.size) } });
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
   * Next.js gzips the playlist on every request (it drops a Content-Encoding a route handler
   * sets), so its size is what serving it costs.
   */
  mediaFromPlaylist: (generation: string) => `v/${generation}/media.mp4`,
  liveMedia: (hash: string) => `/api/sessions/${encodeURIComponent(hash)}/hls/live/media.mp4`,
};
