import "server-only";
import { and, eq, sql } from "drizzle-orm";
import { accountAccepts, type SessionToken } from "@/lib/auth/account";
import type { Viewer } from "@/lib/auth/viewer";
import { db, getDb, type Db } from "@/lib/db/client";
import { sessionVisibleToJoinedUser } from "@/lib/sessions/queries";
import { accessRequests, recordings, remoteSessions, shareLinks, shareSessions, signIns, systemParameters, users } from "@/lib/db/schema";
import { idleTimeoutMinutes, signInAliveSql, touchSignIn } from "@/lib/auth/queries";
import { alias } from "drizzle-orm/pg-core";
import { storedPlaylistSchema, type StoredPlaylist } from "./playlist";
import { storedThumbnailsSchema, type StoredThumbnails } from "./thumbnail-index";

/** The facts the player and the HLS routes need; the big jsonb columns only when asked for. */
export type PlaybackRecording = {
  id: number;
  sessionId: number;
  status: (typeof recordings.$inferSelect)["status"];
  statusReason: string | null;
  durationMs: number | null;
  hasAudio: boolean | null;
  videoCodec: string | null;
  audioCodec: string | null;
  container: string | null;
  sizeBytes: number;
  playableKey: string | null;
  /** Set when the recording was deleted (lib/retention): nothing is left to play. */
  deletedAt: Date | null;
};

const columns = {
  id: recordings.id,
  sessionId: recordings.sessionId,
  status: recordings.status,
  statusReason: recordings.statusReason,
  durationMs: recordings.durationMs,
  hasAudio: recordings.hasAudio,
  videoCodec: recordings.videoCodec,
  audioCodec: recordings.audioCodec,
  container: recordings.container,
  sizeBytes: recordings.sizeBytes,
  playableKey: recordings.playableKey,
  deletedAt: recordings.deletedAt,
};

/** The raw facts of the access rule (lib/access/rule.ts) that the account's query reads alongside. */
export type RawAccountAccess = {
  justification: unknown;
  approval: unknown;
  window: { requestId: string; expiresAt: string; approvedByPerson: boolean } | null;
};

const parameterValue = (key: string) =>
  sql<unknown>`(select ${systemParameters.value} from ${systemParameters} where ${systemParameters.key} = ${sql.raw(`'${key}'`)})`;

/** The viewer's open access window for the session (lib/access/queries.ts says the same in its own query). */
const openWindow = sql<RawAccountAccess["window"]>`(
  select json_build_object('requestId', ${accessRequests.id}, 'expiresAt', ${accessRequests.expiresAt}, 'approvedByPerson', ${accessRequests.decidedBy} is not null)
  from ${accessRequests}
  where ${accessRequests.requesterId} = ${users.id} and ${accessRequests.sessionId} = ${remoteSessions.id}
    and ${accessRequests.status} = 'approved' and ${accessRequests.startsAt} <= now() and ${accessRequests.expiresAt} > now()
  order by ${accessRequests.expiresAt} desc limit 1)`;

export type PlaybackAccess = {
  session: { id: number; hash: string };
  recording: PlaybackRecording;
  /** The current playable file, when there is one. */
  playable: { generation: string; size: number } | null;
};

function buildAccessQuery(database: Db) {
  const idleMinutes = sql.placeholder("idleMinutes");
  const touched = touchSignIn(database, { signInId: sql.placeholder("signInId"), userId: sql.placeholder("userId"), idleMinutes });
  return (
    database
      .with(touched)
      .select({
        user: { id: users.id, email: users.email, name: users.name, role: users.role, disabledAt: users.disabledAt, sessionVersion: users.sessionVersion },
        signInAlive: signInAliveSql(idleMinutes),
        hash: remoteSessions.hash,
        ...columns,
        generation: sql<string | null>`${recordings.playlist}->>'generation'`,
        size: sql<string | null>`${recordings.playlist}->>'size'`,
        justification: parameterValue("remote_session.require_justification"),
        approval: parameterValue("remote_session.require_approval"),
        window: openWindow,
      })
      .from(users)
      .leftJoin(signIns, and(sql`${signIns.id} = ${sql.placeholder("signInId")}::uuid`, eq(signIns.userId, users.id)))
      .leftJoin(remoteSessions, and(eq(remoteSessions.hash, sql.placeholder("hash")), sessionVisibleToJoinedUser()))
      .leftJoin(recordings, eq(recordings.sessionId, remoteSessions.id))
      .where(eq(users.id, sql.placeholder("userId")))
      .limit(1)
      // Built once and prepared on each connection once: the query costs its round trip, not its building and planning.
      .prepare("hls_playback_access")
  );
}
const accessQueries = new WeakMap<Db, ReturnType<typeof buildAccessQuery>>();

/**
 * Everything an HLS request needs in one round trip (a player asks for a
 * segment every few seconds, so this is its whole database cost): the
 * account the session cookie names, checked as getViewer checks it (its
 * sign-in alive, and moved forward: watching counts as activity), and the
 * session as that viewer may see it (sessionVisibleTo's rule) with its
 * recording and current playable generation, and the facts of the access
 * rule (the justification parameters and the viewer's open window).
 * `viewer` is null when the account no longer accepts the token; `access` is
 * null when there is no such session, the viewer may not see it, or it has
 * no recording: the caller answers all three with the same 404.
 */
export async function getPlaybackAccess({ hash, token }: { hash: string; token: SessionToken }): Promise<{
  viewer: Viewer | null;
  access: PlaybackAccess | null;
  /** The viewer may see the session (it may still have no recording). */
  visible?: boolean;
  /** The facts of the access rule, when there is access to decide. */
  rule?: RawAccountAccess | null;
}> {
  const database = getDb();
  let query = accessQueries.get(database);
  if (!query) accessQueries.set(database, (query = buildAccessQuery(database)));
  const [row] = await query.execute({
    hash,
    userId: token.userId,
    // A cookie without a sign-in id matches no sign-in (the nil uuid).
    signInId: token.signInId ?? "00000000-0000-0000-0000-000000000000",
    idleMinutes: await idleTimeoutMinutes(),
  });
  if (!row || !accountAccepts({ ...row.user, signInAlive: row.signInAlive }, token)) return { viewer: null, access: null };
  const { user, signInAlive: _alive, hash: sessionHash, generation, size, justification, approval, window, ...recording } = row;
  const viewer: Viewer = { id: user.id, email: user.email, name: user.name, role: user.role };
  if (!sessionHash) return { viewer, access: null, visible: false };
  if (recording.id === null || recording.sessionId === null) return { viewer, access: null, visible: true };
  return {
    viewer,
    visible: true,
    access: {
      session: { id: recording.sessionId, hash: sessionHash },
      recording: recording as PlaybackRecording,
      playable: generation && recording.playableKey ? { generation, size: Number(size) } : null,
    },
    rule: { justification, approval, window },
  };
}

const requested = alias(remoteSessions, "requested");

function buildSharedAccessQuery(database: Db) {
  return database
    .select({
      shareSessionId: shareSessions.id,
      shareSessionExpiresAt: shareSessions.expiresAt,
      link: {
        id: shareLinks.id,
        sessionId: shareLinks.sessionId,
        recipientEmail: shareLinks.recipientEmail,
        allowDownload: shareLinks.allowDownload,
        expiresAt: shareLinks.expiresAt,
        revokedAt: shareLinks.revokedAt,
        createdBy: shareLinks.createdBy,
      },
      linkHash: remoteSessions.hash,
      requestedId: requested.id,
      ...columns,
      generation: sql<string | null>`${recordings.playlist}->>'generation'`,
      size: sql<string | null>`${recordings.playlist}->>'size'`,
    })
    .from(shareSessions)
    .innerJoin(shareLinks, eq(shareLinks.id, shareSessions.linkId))
    .innerJoin(remoteSessions, eq(remoteSessions.id, shareLinks.sessionId))
    .leftJoin(requested, eq(requested.hash, sql.placeholder("hash")))
    .leftJoin(recordings, eq(recordings.sessionId, shareLinks.sessionId))
    .where(eq(shareSessions.tokenHash, sql.placeholder("tokenHash")))
    .limit(1)
    .prepare("hls_shared_playback_access");
}
const sharedQueries = new WeakMap<Db, ReturnType<typeof buildSharedAccessQuery>>();

/**
 * getPlaybackAccess for an assessor's browser (the hash of its cookie's
 * secret), in one round trip: the browser session, its link, the link's
 * session with its recording, and the id of the session the URL asked for
 * (which the access rule compares with the link's). `link` is null when the
 * secret names no open browser session.
 */
export async function getSharedPlaybackAccess({ hash, tokenHash }: { hash: string; tokenHash: string }) {
  const database = getDb();
  let query = sharedQueries.get(database);
  if (!query) sharedQueries.set(database, (query = buildSharedAccessQuery(database)));
  const [row] = await query.execute({ hash, tokenHash });
  if (!row) return null;
  // The browser session's end is taken out (checked above) so that `recording` is the recording's columns only.
  const { shareSessionId, shareSessionExpiresAt, link, linkHash, requestedId, generation, size, ...recording } = row;
  if (shareSessionExpiresAt.getTime() <= Date.now()) return null;
  const access: PlaybackAccess | null =
    recording.id === null || recording.sessionId === null
      ? null
      : {
          session: { id: recording.sessionId, hash: linkHash },
          recording: recording as PlaybackRecording,
          playable: generation && recording.playableKey ? { generation, size: Number(size) } : null,
        };
  return { shareSessionId, link, linkHash, requestedId, access };
}

/** The stored playlist, or null when the recording has not been made playable yet (or it is unreadable). */
export async function getStoredPlaylist({ recordingId }: { recordingId: number }): Promise<StoredPlaylist | null> {
  const [row] = await db.select({ playlist: recordings.playlist }).from(recordings).where(eq(recordings.id, recordingId));
  if (!row?.playlist) return null;
  const parsed = storedPlaylistSchema.safeParse(row.playlist);
  return parsed.success ? parsed.data : null;
}

export async function savePlayable({ recordingId, playableKey, playlist }: { recordingId: number; playableKey: string; playlist: StoredPlaylist }) {
  await db.update(recordings).set({ playableKey, playlist }).where(eq(recordings.id, recordingId));
}

export async function saveActivity({ recordingId, activity }: { recordingId: number; activity: unknown }) {
  await db.update(recordings).set({ activity }).where(eq(recordings.id, recordingId));
}

export async function getActivity({ recordingId }: { recordingId: number }): Promise<unknown> {
  const [row] = await db.select({ activity: recordings.activity }).from(recordings).where(eq(recordings.id, recordingId));
  return row?.activity ?? null;
}

/** The thumbnails' index of a recording, or null when it has none (or it is unreadable). */
export async function getThumbnails({ recordingId }: { recordingId: number }): Promise<StoredThumbnails | null> {
  const [row] = await db.select({ thumbnails: recordings.thumbnails }).from(recordings).where(eq(recordings.id, recordingId));
  if (!row?.thumbnails) return null;
  const parsed = storedThumbnailsSchema.safeParse(row.thumbnails);
  return parsed.success ? parsed.data : null;
}

export async function saveThumbnails({ recordingId, thumbnails }: { recordingId: number; thumbnails: StoredThumbnails }) {
  await db.update(recordings).set({ thumbnails }).where(eq(recordings.id, recordingId));
}
