import "server-only";
import { z } from "zod";
import { recordRefusedAccess } from "@/lib/audit";
import { recordStreamed } from "@/lib/audit/streams";
import { accountFacts, decideSessionAccess, type AccessDecision, type Assessor, type Watcher } from "@/lib/access";
import { assessorSecretHash, readAssessorSecret, recordEndedLinkUse } from "@/lib/access/sharing";
import { getSessionToken, requestIp, type SessionToken, type Viewer } from "@/lib/auth/viewer";
import type { AccessPurpose } from "@/lib/domain/reviews";
import { sessionHashSchema } from "@/lib/domain/sessions";
import { AppError } from "@/lib/errors";
import { defineRoute } from "@/lib/http/route";
import { watchRecordingDeletions } from "@/lib/retention";
import { getPlaybackAccess, getSharedPlaybackAccess, type PlaybackAccess } from "./queries";

export const generationParam = z.string().regex(/^[a-z0-9]{6,32}$/);

/** The path parameters of the HLS routes, built once: zod compiles an object schema on its first use. */
export const sessionParams = z.object({ hash: sessionHashSchema });
export const generationParams = z.object({ hash: sessionHashSchema, generation: generationParam });

export const PLAYLIST_TYPE = "application/vnd.apple.mpegurl";

export const SIGN_IN_TO_PLAY = "Sign in to play this session.";

/** The same answer for a missing session, one the viewer may not see, and one without a recording. */
export const mediaNotFound = () => new AppError("Not found", 404);

/**
 * Access to a session's media for a signed-in account, after the route
 * checked the parameters (400) and decoded the session cookie (401): the
 * account (disabled, signed out or idle since: 401), the session with its
 * recording as that viewer may see it (404, the same for "missing" and "not
 * yours", and a refusal in the audit trail), then the access rule (lib/access: a justification or an
 * approval still needed is a 403), all read in one round trip.
 */
export async function authorizePlayback({
  hash,
  sessionToken,
  asked,
  purpose = "play",
}: {
  hash: string;
  sessionToken: SessionToken;
  /** What the request is for, in the audit trail when it is refused. */
  asked: string;
  purpose?: AccessPurpose;
}): Promise<{ viewer: Viewer; watcher: Watcher; decision: AccessDecision } & PlaybackAccess> {
  const { viewer, access, visible, rule } = await getPlaybackAccess({ hash, token: sessionToken });
  if (!viewer) throw new AppError(SIGN_IN_TO_PLAY, 401);
  if (!access || !rule) {
    if (!visible) await recordRefusedAccess({ viewer, target: { type: "session", id: hash }, asked, ip: await requestIp() });
    throw mediaNotFound();
  }
  const decision = decideSessionAccess({ facts: accountFacts(rule), sessionId: access.session.id, purpose });
  if (!decision.allowed) throw new AppError(decision.message, decision.status);
  return { viewer, watcher: { kind: "account", viewer }, decision, ...access };
}

/**
 * Access to a session's media for an assessor's browser (the secret of its
 * cookie): the browser session must be open (else 401), the URL's session
 * must be the link's own (else 404, as for a missing one), and the link
 * neither revoked nor expired (403, saying which), in one round trip.
 */
export async function authorizeSharedPlayback({
  hash,
  secret,
  asked = "hls",
  purpose = "play",
}: {
  hash: string;
  secret: string;
  /** What the request is for, in the audit trail when it asks for another session. */
  asked?: string;
  purpose?: AccessPurpose;
}): Promise<{ watcher: Assessor; decision: AccessDecision } & PlaybackAccess> {
  const found = await getSharedPlaybackAccess({ hash, tokenHash: assessorSecretHash(secret) });
  if (!found) throw new AppError(SIGN_IN_TO_PLAY, 401);
  const { link } = found;
  const decision = decideSessionAccess({
    facts: { kind: "assessor", link },
    // No session of that hash: 0 is no session's id, so the rule answers "other session" (404).
    sessionId: found.requestedId ?? 0,
    purpose,
  });
  if (!decision.allowed) {
    // Outside a request (a byte-serving path of its own, a test) there is no address to record.
    const ip = await requestIp().catch(() => null);
    // A link that has ended, used again: refused, and the attempt in the trail.
    if (decision.refusal === "link-revoked" || decision.refusal === "link-expired") {
      await recordEndedLinkUse({
        link: { id: link.id, recipientEmail: link.recipientEmail },
        hash: found.linkHash,
        reason: decision.refusal === "link-revoked" ? "revoked" : "expired",
        asked,
        ip,
      });
    }
    // An assessor trying another session's URL: the 404 of a missing one, and the attempt in the trail.
    if (decision.refusal === "other-session") {
      await recordRefusedAccess({
        viewer: { id: null, email: link.recipientEmail },
        target: { type: "session", id: hash },
        asked,
        ip,
        details: { via: "share-link", shareLinkId: link.id },
      });
    }
    throw new AppError(decision.message, decision.status);
  }
  if (!found.access) throw mediaNotFound();
  const watcher: Assessor = {
    kind: "assessor",
    shareSessionId: found.shareSessionId,
    linkId: link.id,
    sessionId: link.sessionId,
    hash: found.linkHash,
    email: link.recipientEmail,
    allowDownload: link.allowDownload,
    expiresAt: link.expiresAt,
    revokedAt: link.revokedAt,
    createdBy: link.createdBy,
  };
  return { watcher, decision, ...found.access };
}

/** What a media route's handler gets: who is watching (an account or an assessor), the session, its recording. */
export type MediaContext = { watcher: Watcher; decision: AccessDecision } & PlaybackAccess;

/**
 * Who is asking for a session's media: the session cookie of an account
 * first; an assessor's cookie when there is no account cookie, or when the
 * account may not have this session and the assessor may (a person with an
 * account who opened a sharing link in the same browser). Neither: 401.
 */
export async function authorizeMedia({ hash, asked, purpose = "play" }: { hash: string; asked: string; purpose?: AccessPurpose }): Promise<MediaContext> {
  const [sessionToken, secret] = await Promise.all([getSessionToken(), readAssessorSecret()]);
  if (sessionToken) {
    try {
      return await authorizePlayback({ hash, sessionToken, asked, purpose });
    } catch (error) {
      if (!secret || !(error instanceof AppError)) throw error;
    }
  }
  if (secret) return authorizeSharedPlayback({ hash, secret, asked, purpose });
  throw new AppError(SIGN_IN_TO_PLAY, 401);
}

/**
 * A route handler of a session's media (the HLS routes): the path parameters
 * (400), then authorizeMedia (the caller: 401; the session: 404; the access
 * rule: 403); the handler gets who is watching, the session and its
 * recording. Every answer with bytes of the recording (a GET answered 200 or
 * 206) is audited before it is sent, with its length (lib/audit/streams.ts):
 * one `session.streamed` entry per watcher, session and hour, however the
 * stream is fetched.
 */
export function defineMediaRoute<P extends z.ZodType<{ hash: string }>>(config: {
  name: string;
  params: P;
  handler: (context: { request: Request; params: z.infer<P> } & MediaContext) => Promise<Response>;
}) {
  return defineRoute({
    name: config.name,
    // The caller is checked by authorizeMedia: an account's session cookie or an assessor's cookie.
    caller: "anyone",
    params: config.params,
    signIn: SIGN_IN_TO_PLAY,
    handler: async ({ request, params }) => {
      const path = params as z.infer<P>;
      // This node's cache of the store drops what any node deletes (a no-op on local disk, and once per process).
      await watchRecordingDeletions();
      const access = await authorizeMedia({ hash: path.hash, asked: config.name });
      // A deleted recording's bytes are never served, whatever a node's cache still holds.
      if (access.recording.deletedAt) throw new AppError("The recording was deleted", 410);
      const response = await config.handler({ request, params: path, ...access });
      if (request.method === "GET" && (response.status === 200 || response.status === 206)) {
        const { watcher } = access;
        await recordStreamed({
          ...(watcher.kind === "account"
            ? { viewer: watcher.viewer }
            : { assessor: { shareSessionId: watcher.shareSessionId, linkId: watcher.linkId, email: watcher.email } }),
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
