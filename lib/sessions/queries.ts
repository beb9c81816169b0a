import "server-only";
import { and, eq, getTableColumns, gte, inArray, isNotNull, isNull, lt, ne, or, sql, type SQL } from "drizzle-orm";
import type { Viewer } from "@/lib/auth/viewer";
import { db } from "@/lib/db/client";
import { escapeLike } from "@/lib/db/like";
import { mayReview } from "@/lib/domain/reviews";
import { CRITICALITIES } from "@/lib/domain/rules";
import { remoteSessions, shareLinks, users, type RemoteSession } from "@/lib/db/schema";
import { PAGE_SIZE, type SessionCursor, type SessionFilter, type SessionSort } from "@/lib/sessions/filters";

/** Who may see which sessions: role "user" only their own; admins and auditors all. */
type SessionViewer = Pick<Viewer, "id" | "role">;

export type SessionListRow = { startedAtUs: number } & Pick<
  RemoteSession,
  | "id"
  | "hash"
  | "protocol"
  | "host"
  | "credentialUsername"
  | "userName"
  | "startedAt"
  | "endedAt"
  | "status"
  | "recordingSize"
  | "riskScore"
  | "maxCriticality"
  | "reviewVerdict"
> & { held: boolean };

export type SessionPage = {
  rows: SessionListRow[];
  /** Cursor of the page before (newer rows), or null on the first page. */
  newer: SessionCursor | null;
  /** Cursor of the page after (older rows), or null on the last page. */
  older: SessionCursor | null;
};

/** The exact sort key for cursors: a JS Date would drop the microseconds PostgreSQL keeps. */
export const startedAtUs = sql<number>`(extract(epoch from ${remoteSessions.startedAt}) * 1000000)::bigint`.mapWith(Number);

/** What the secondary session lists (occurrences, command search) show of each session. */
export const sessionSummaryColumns = {
  id: remoteSessions.id,
  hash: remoteSessions.hash,
  protocol: remoteSessions.protocol,
  host: remoteSessions.host,
  userName: remoteSessions.userName,
  credentialUsername: remoteSessions.credentialUsername,
  startedAt: remoteSessions.startedAt,
  startedAtUs,
};

/** Sessions that started before the cursor's (newest-first lists), as a row comparison on the (started_at, id) index. */
export function startedBefore(cursor: { startedAtUs: number; id: number }, cmp: SQL = sql`<`): SQL {
  return sql`(${remoteSessions.startedAt}, ${remoteSessions.id}) ${cmp} (timestamptz 'epoch' + ${cursor.startedAtUs}::bigint * interval '1 microsecond', ${cursor.id})`;
}

/** The session has a legal hold in force (lib/retention). */
// Names spelt out: drizzle leaves columns unqualified in a one-table select, and the subquery has an "id" of its own.
export const heldSql = sql<boolean>`exists (select 1 from legal_holds h where h.session_id = "remote_sessions"."id" and h.released_at is null)`;

/** The columns of a Remote sessions list row (also the OFFSET baseline of bench:pages). */
export const listColumns = {
  id: remoteSessions.id,
  hash: remoteSessions.hash,
  protocol: remoteSessions.protocol,
  host: remoteSessions.host,
  credentialUsername: remoteSessions.credentialUsername,
  userName: remoteSessions.userName,
  startedAt: remoteSessions.startedAt,
  endedAt: remoteSessions.endedAt,
  status: remoteSessions.status,
  recordingSize: remoteSessions.recordingSize,
  riskScore: remoteSessions.riskScore,
  maxCriticality: remoteSessions.maxCriticality,
  held: heldSql,
  reviewVerdict: remoteSessions.reviewVerdict,
  startedAtUs,
};

/**
 * Who may see a session: admins and auditors every one, a user only their own.
 * The one place this rule lives; every query that reaches a session by what a
 * viewer asked for puts it in its WHERE, so a hidden session looks missing.
 */
export function sessionVisibleTo(viewer: SessionViewer): SQL | undefined {
  return viewer.role === "user" ? eq(remoteSessions.userId, viewer.id) : undefined;
}

/**
 * sessionVisibleTo for a statement that reads the viewer's own `users` row
 * alongside (the HLS routes check the account and the session in one round
 * trip): the same rule, with the role and id taken from that row.
 */
export function sessionVisibleToJoinedUser(): SQL {
  return or(ne(users.role, "user"), eq(remoteSessions.userId, users.id))!;
}

/** `x%` for LIKE, with the pattern characters of the text taken literally. */
function prefixPattern(text: string): string {
  return `${escapeLike(text)}%`;
}

/**
 * The filter conditions. Free text matches the start of each column through
 * its text_pattern_ops index (lower(col) LIKE 'x%'), never a scan of the middle.
 */
function filterConditions(filter: SessionFilter): SQL[] {
  const where: SQL[] = [];
  if (filter.q) {
    const lower = prefixPattern(filter.q.toLowerCase());
    const ors: SQL[] = [
      sql`lower(${remoteSessions.host}) like ${lower}`,
      sql`lower(${remoteSessions.userName}) like ${lower}`,
      sql`lower(${remoteSessions.credentialUsername}) like ${lower}`,
      // Hashes are indexed as stored (lowercase hex from the proxies); try the text as typed too.
      sql`${remoteSessions.hash} like ${lower}`,
    ];
    const typed = prefixPattern(filter.q);
    if (typed !== lower) ors.push(sql`${remoteSessions.hash} like ${typed}`);
    where.push(or(...ors) as SQL);
  }
  if (filter.protocol) where.push(eq(remoteSessions.protocol, filter.protocol));
  if (filter.status) where.push(eq(remoteSessions.status, filter.status));
  if (filter.from) where.push(gte(remoteSessions.startedAt, filter.from));
  if (filter.to) where.push(lt(remoteSessions.startedAt, filter.to));
  if (filter.minCriticality) {
    const allowed = CRITICALITIES.slice(CRITICALITIES.indexOf(filter.minCriticality));
    where.push(inArray(remoteSessions.maxCriticality, allowed));
  }
  if (filter.held) where.push(heldSql);
  // Each is the predicate of a partial index (remote_sessions_*reviewed*_started_idx), so the list walks that index.
  if (filter.verdict) where.push(eq(remoteSessions.reviewVerdict, filter.verdict), isNotNull(remoteSessions.reviewVerdict));
  else if (filter.review === "reviewed") where.push(isNotNull(remoteSessions.reviewVerdict));
  else if (filter.review === "unreviewed") where.push(isNull(remoteSessions.reviewVerdict));
  return where;
}

/** Rows strictly after (older) or before (newer) the cursor, in the sort's order. */
function cursorCondition(cursor: SessionCursor): SQL {
  const cmp = cursor.dir === "older" ? sql`<` : sql`>`;
  // Row comparison keeps the condition on the (key, id) index, so deep pages cost what the first one does.
  return cursor.sort === "newest"
    ? startedBefore(cursor, cmp)
    : sql`(${remoteSessions.riskScore}, ${remoteSessions.id}) ${cmp} (${cursor.riskScore}, ${cursor.id})`;
}

function cursorOf(row: SessionListRow, sort: SessionSort, dir: "older" | "newer"): SessionCursor {
  return sort === "newest" ? { sort, dir, startedAtUs: row.startedAtUs, id: row.id } : { sort, dir, riskScore: row.riskScore, id: row.id };
}

/**
 * The indexes are (key DESC NULLS LAST, id DESC NULLS LAST), as drizzle-kit writes
 * `.desc()`. PostgreSQL only walks an index for an ORDER BY with the same NULLS
 * placement (it does not use NOT NULL to ignore it), so the order says it too:
 * forward for older pages, backward (ASC NULLS FIRST) for newer ones.
 */
function orderBy(sort: SessionSort, direction: "older" | "newer") {
  const d = direction === "older" ? sql`desc nulls last` : sql`asc nulls first`;
  return sort === "newest"
    ? [sql`${remoteSessions.startedAt} ${d}`, sql`${remoteSessions.id} ${d}`]
    : [sql`${remoteSessions.riskScore} ${d}`, sql`${remoteSessions.id} ${d}`];
}

/**
 * One page of the Remote sessions list, newest first (or highest risk first),
 * by keyset: the cursor holds the sort key of the row at the page edge, so no
 * page ever counts the rows before it (no OFFSET).
 */
export async function listSessions({
  viewer,
  filter = {},
  sort = "newest",
  cursor,
  limit = PAGE_SIZE,
}: {
  viewer: SessionViewer;
  filter?: SessionFilter;
  sort?: SessionSort;
  cursor?: SessionCursor;
  limit?: number;
}): Promise<SessionPage> {
  if (cursor && cursor.sort !== sort) throw new Error("cursor belongs to another sort");
  const direction = cursor?.dir ?? "older";
  // Verdicts are the auditors' (lib/domain/reviews): a user cannot learn them by filtering their own sessions.
  const visibleFilter = mayReview(viewer) ? filter : { ...filter, review: undefined, verdict: undefined };
  const base = [sessionVisibleTo(viewer), ...filterConditions(visibleFilter)];
  const fetch = (c: SessionCursor | undefined) =>
    db
      .select(listColumns)
      .from(remoteSessions)
      .where(and(...base, c ? cursorCondition(c) : undefined))
      .orderBy(...orderBy(sort, c?.dir ?? "older"))
      .limit(limit + 1);

  let rows = await fetch(cursor);
  const more = rows.length > limit;
  rows = rows.slice(0, limit);

  if (direction === "newer") {
    // Fewer than a page newer than the cursor: that is the start of the list, so show the first page.
    if (!more) return listSessions({ viewer, filter, sort, limit });
    rows.reverse();
    const first = rows[0];
    const last = rows[rows.length - 1];
    return {
      rows,
      newer: first ? cursorOf(first, sort, "newer") : null,
      // The cursor row itself is older than this page, so an older page exists.
      older: last ? cursorOf(last, sort, "older") : null,
    };
  }
  const first = rows[0];
  const last = rows[rows.length - 1];
  return {
    rows,
    // Coming from a cursor means rows newer than this page exist (sessions are never deleted).
    newer: cursor && first ? cursorOf(first, sort, "newer") : null,
    older: more && last ? cursorOf(last, sort, "older") : null,
  };
}

/** Whether any session at all is visible to the viewer (to tell "none yet" from "no match"). */
export async function hasAnySession({ viewer }: { viewer: SessionViewer }): Promise<boolean> {
  const [row] = await db.select({ id: remoteSessions.id }).from(remoteSessions).where(sessionVisibleTo(viewer)).limit(1);
  return Boolean(row);
}

/**
 * A session by its hash, or null when there is none OR the viewer may not see
 * it: both answers look the same to the caller, so pages give the same 404.
 */
export async function getSessionByHash({ hash, viewer }: { hash: string; viewer: SessionViewer }): Promise<RemoteSession | null> {
  const [row] = await db
    .select()
    .from(remoteSessions)
    .where(and(eq(remoteSessions.hash, hash), sessionVisibleTo(viewer)))
    .limit(1);
  return row ?? null;
}

/**
 * Hands a session over to another proxy's API token (an admin's explicit
 * move: remote_sessions.api_token_id decides which token may use the
 * ingestion API on it). Returns the token it had, or null when the viewer
 * sees no such session.
 */
export async function setSessionApiToken({
  hash,
  tokenId,
  viewer,
}: {
  hash: string;
  tokenId: string;
  viewer: SessionViewer;
}): Promise<{ session: RemoteSession; previousTokenId: string | null } | null> {
  return db.transaction(async (tx) => {
    const [before] = await tx
      .select({ apiTokenId: remoteSessions.apiTokenId })
      .from(remoteSessions)
      .where(and(eq(remoteSessions.hash, hash), sessionVisibleTo(viewer)))
      .for("update");
    if (!before) return null;
    const [session] = await tx
      .update(remoteSessions)
      .set({ apiTokenId: tokenId })
      .where(and(eq(remoteSessions.hash, hash), sessionVisibleTo(viewer)))
      .returning();
    return session ? { session, previousTokenId: before.apiTokenId } : null;
  });
}

/** Ids of every session of the list's filter the viewer may see, up to `limit` (a legal hold on a search). */
export async function listSessionIdsMatching({ viewer, filter, limit }: { viewer: SessionViewer; filter: SessionFilter; limit: number }): Promise<number[]> {
  const rows = await db
    .select({ id: remoteSessions.id })
    .from(remoteSessions)
    .where(and(sessionVisibleTo(viewer), ...filterConditions(filter)))
    .orderBy(remoteSessions.id)
    .limit(limit);
  return rows.map((r) => r.id);
}

/**
 * The one session an assessor may see: their sharing link's (the link, not a
 * URL, names it). The caller has checked the assessor's browser session.
 */
export async function getSessionOfShareLink({ linkId }: { linkId: string }): Promise<RemoteSession | null> {
  const [row] = await db
    .select(getTableColumns(remoteSessions))
    .from(remoteSessions)
    .innerJoin(shareLinks, eq(shareLinks.sessionId, remoteSessions.id))
    .where(eq(shareLinks.id, linkId))
    .limit(1);
  return row ?? null;
}
