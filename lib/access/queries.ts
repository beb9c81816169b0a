import "server-only";
import { and, desc, eq, gt, isNull, lte, sql } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { accessRequests, remoteSessions, shareLinks, shareSessions, systemParameters, users, type AccessRequest, type ShareLink } from "@/lib/db/schema";
import type { AccessWindow } from "./rule";

/**
 * SQL of access to sessions' videos: access requests (justification,
 * approval, windows), sharing links, their one-time codes and the browsers of
 * assessors who confirmed them. Callers have checked that the viewer may see
 * the session (sessionVisibleTo) before asking about a session here.
 */

const JUSTIFICATION = "remote_session.require_justification";
const APPROVAL = "remote_session.require_approval";

/** The viewer's open window for a session now (approved, starts ≤ now < expires), the latest-ending one. */
function windowSubquery(userId: string, sessionId: number, now: Date) {
  return db
    .select({ id: accessRequests.id, expiresAt: accessRequests.expiresAt, decidedBy: accessRequests.decidedBy })
    .from(accessRequests)
    .where(
      and(
        eq(accessRequests.requesterId, userId),
        eq(accessRequests.sessionId, sessionId),
        eq(accessRequests.status, "approved"),
        lte(accessRequests.startsAt, now),
        gt(accessRequests.expiresAt, now),
      ),
    )
    .orderBy(desc(accessRequests.expiresAt))
    .limit(1);
}

/** The raw facts of the account rule in one round trip: both parameters as stored and the open window. */
export async function getAccountAccessFacts({ userId, sessionId, now }: { userId: string; sessionId: number; now: Date }) {
  const param = (key: string) => sql<unknown>`(select ${systemParameters.value} from ${systemParameters} where ${systemParameters.key} = ${key})`;
  const w = windowSubquery(userId, sessionId, now).as("w");
  const rows = await db
    .select({ justification: param(JUSTIFICATION), approval: param(APPROVAL), id: w.id, expiresAt: w.expiresAt, decidedBy: w.decidedBy })
    .from(sql`(select 1) as one`)
    .leftJoin(w, sql`true`);
  const row = rows[0];
  const window: AccessWindow | null =
    row?.id && row.expiresAt ? { requestId: row.id, expiresAt: row.expiresAt, approvedByPerson: row.decidedBy !== null } : null;
  return { justification: row?.justification ?? null, approval: row?.approval ?? null, window };
}

/** The latest request of a viewer for a session, whatever its state (what the report and the player say). */
export async function getLatestAccessRequest({ userId, sessionId }: { userId: string; sessionId: number }): Promise<AccessRequest | null> {
  const [row] = await db
    .select()
    .from(accessRequests)
    .where(and(eq(accessRequests.requesterId, userId), eq(accessRequests.sessionId, sessionId)))
    .orderBy(desc(accessRequests.createdAt))
    .limit(1);
  return row ?? null;
}

export async function getPendingAccessRequest({ userId, sessionId }: { userId: string; sessionId: number }): Promise<AccessRequest | null> {
  const [row] = await db
    .select()
    .from(accessRequests)
    .where(and(eq(accessRequests.requesterId, userId), eq(accessRequests.sessionId, sessionId), eq(accessRequests.status, "pending")))
    .limit(1);
  return row ?? null;
}

export async function insertAccessRequest(input: typeof accessRequests.$inferInsert): Promise<AccessRequest> {
  const [row] = await db.insert(accessRequests).values(input).returning();
  return row!;
}

/** Decides a pending request (approve or deny); null when it was not pending any more (decided by someone else meanwhile). */
export async function decideAccessRequestRow({
  id,
  set,
}: {
  id: string;
  set: Pick<typeof accessRequests.$inferInsert, "status" | "decidedBy" | "decidedAt" | "decisionComment" | "windowMinutes" | "startsAt" | "expiresAt">;
}): Promise<AccessRequest | null> {
  const [row] = await db
    .update(accessRequests)
    .set(set)
    .where(and(eq(accessRequests.id, id), eq(accessRequests.status, "pending")))
    .returning();
  return row ?? null;
}

const requester = { requesterEmail: users.email, requesterName: users.name };

/** A request with who asked and for which session. */
export async function getAccessRequestById({ id }: { id: string }) {
  const [row] = await db
    .select({ request: accessRequests, session: remoteSessions, ...requester })
    .from(accessRequests)
    .innerJoin(remoteSessions, eq(remoteSessions.id, accessRequests.sessionId))
    .innerJoin(users, eq(users.id, accessRequests.requesterId))
    .where(eq(accessRequests.id, id))
    .limit(1);
  return row ?? null;
}

/** Pending requests, oldest first (the administrators' page). */
export async function listPendingAccessRequests({ limit = 200 }: { limit?: number } = {}) {
  return db
    .select({
      request: accessRequests,
      hash: remoteSessions.hash,
      protocol: remoteSessions.protocol,
      host: remoteSessions.host,
      userName: remoteSessions.userName,
      ...requester,
    })
    .from(accessRequests)
    .innerJoin(remoteSessions, eq(remoteSessions.id, accessRequests.sessionId))
    .innerJoin(users, eq(users.id, accessRequests.requesterId))
    .where(eq(accessRequests.status, "pending"))
    .orderBy(accessRequests.createdAt)
    .limit(limit);
}

/** The latest decided requests, newest first (the administrators' page, below the pending ones). */
export async function listDecidedAccessRequests({ limit = 50 }: { limit?: number } = {}) {
  const decider = sql<string | null>`(select ${users.email} from ${users} where ${users.id} = ${accessRequests.decidedBy})`;
  return db
    .select({ request: accessRequests, hash: remoteSessions.hash, host: remoteSessions.host, ...requester, deciderEmail: decider })
    .from(accessRequests)
    .innerJoin(remoteSessions, eq(remoteSessions.id, accessRequests.sessionId))
    .innerJoin(users, eq(users.id, accessRequests.requesterId))
    .where(sql`${accessRequests.status} <> 'pending'`)
    .orderBy(desc(accessRequests.createdAt))
    .limit(limit);
}

/** Enabled administrators, who are told of a request waiting for approval. */
export async function listAdminRecipients(): Promise<{ id: string; email: string }[]> {
  return db
    .select({ id: users.id, email: users.email })
    .from(users)
    .where(and(eq(users.role, "admin"), isNull(users.disabledAt)));
}

// ─── Sharing links ───────────────────────────────────────────────────────────

export async function insertShareLink(input: typeof shareLinks.$inferInsert): Promise<ShareLink> {
  const [row] = await db.insert(shareLinks).values(input).returning();
  return row!;
}

/** A link by the hash of its secret, with the hash of its session. */
export async function getShareLinkByTokenHash({ tokenHash }: { tokenHash: string }) {
  const [row] = await db
    .select({ link: shareLinks, hash: remoteSessions.hash })
    .from(shareLinks)
    .innerJoin(remoteSessions, eq(remoteSessions.id, shareLinks.sessionId))
    .where(eq(shareLinks.tokenHash, tokenHash))
    .limit(1);
  return row ?? null;
}

export async function getShareLinkById({ id }: { id: string }) {
  const [row] = await db
    .select({ link: shareLinks, hash: remoteSessions.hash })
    .from(shareLinks)
    .innerJoin(remoteSessions, eq(remoteSessions.id, shareLinks.sessionId))
    .where(eq(shareLinks.id, id))
    .limit(1);
  return row ?? null;
}

/** A session's links, newest first, with who made them and how often each was opened (code confirmed). */
export async function listShareLinks({ sessionId }: { sessionId: number }) {
  const opened = sql<number>`(select count(*)::int from ${shareSessions} where ${shareSessions.linkId} = ${shareLinks.id})`;
  return db
    .select({ link: shareLinks, creatorEmail: users.email, opened })
    .from(shareLinks)
    .innerJoin(users, eq(users.id, shareLinks.createdBy))
    .where(eq(shareLinks.sessionId, sessionId))
    .orderBy(desc(shareLinks.createdAt))
    .limit(100);
}

export async function revokeShareLinkRow({ id, by, at }: { id: string; by: string; at: Date }): Promise<ShareLink | null> {
  const [row] = await db
    .update(shareLinks)
    .set({ revokedAt: at, revokedBy: by })
    .where(and(eq(shareLinks.id, id), isNull(shareLinks.revokedAt)))
    .returning();
  return row ?? null;
}

/**
 * Stores a new one-time code (its hash) unless the link has sent its last one
 * or sent one less than `minGapMs` ago; the previous code stops working.
 */
export async function storeShareCode({
  id,
  codeHash,
  expiresAt,
  maxPerLink,
  notBefore,
}: {
  id: string;
  codeHash: string;
  expiresAt: Date;
  maxPerLink: number;
  /** The previous code must have been made before this instant (its expiry minus its validity). */
  notBefore: Date;
}): Promise<boolean> {
  const rows = await db
    .update(shareLinks)
    .set({ codeHash, codeExpiresAt: expiresAt, codeAttempts: 0, codesSent: sql`${shareLinks.codesSent} + 1` })
    .where(
      and(
        eq(shareLinks.id, id),
        sql`${shareLinks.codesSent} < ${maxPerLink}`,
        sql`(${shareLinks.codeExpiresAt} is null or ${shareLinks.codeExpiresAt} <= ${notBefore})`,
      ),
    )
    .returning({ id: shareLinks.id });
  return rows.length > 0;
}

/** Counts a wrong code; returns the attempts so far. */
export async function countWrongShareCode({ id }: { id: string }): Promise<number> {
  const [row] = await db
    .update(shareLinks)
    .set({ codeAttempts: sql`${shareLinks.codeAttempts} + 1` })
    .where(eq(shareLinks.id, id))
    .returning({ attempts: shareLinks.codeAttempts });
  return row?.attempts ?? 0;
}

/**
 * Uses the code up and opens a browser session for the link, in one
 * transaction: a code works once, even when two tabs send it together.
 */
export async function consumeShareCode({
  id,
  codeHash,
  session,
}: {
  id: string;
  codeHash: string;
  session: { tokenHash: string; ip: string | null; expiresAt: Date };
}): Promise<boolean> {
  return db.transaction(async (tx) => {
    const used = await tx
      .update(shareLinks)
      .set({ codeHash: null, codeExpiresAt: null, codeAttempts: 0 })
      .where(and(eq(shareLinks.id, id), eq(shareLinks.codeHash, codeHash), gt(shareLinks.codeExpiresAt, new Date())))
      .returning({ id: shareLinks.id });
    if (!used.length) return false;
    await tx.insert(shareSessions).values({ linkId: id, ...session });
    return true;
  });
}

/** An assessor's browser session by the hash of its cookie, with its link and the link's session hash. */
export async function getShareSessionByTokenHash({ tokenHash }: { tokenHash: string }) {
  const [row] = await db
    .select({ shareSession: shareSessions, link: shareLinks, hash: remoteSessions.hash })
    .from(shareSessions)
    .innerJoin(shareLinks, eq(shareLinks.id, shareSessions.linkId))
    .innerJoin(remoteSessions, eq(remoteSessions.id, shareLinks.sessionId))
    .where(eq(shareSessions.tokenHash, tokenHash))
    .limit(1);
  return row ?? null;
}

export async function endShareSession({ id }: { id: string }) {
  await db.update(shareSessions).set({ expiresAt: new Date() }).where(eq(shareSessions.id, id));
}
