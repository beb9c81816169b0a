import "server-only";
import { and, asc, eq, gt, inArray, isNotNull, sql, type SQL } from "drizzle-orm";
import type { Viewer } from "@/lib/auth/viewer";
import { db } from "@/lib/db/client";
import { sessionSummaryColumns, sessionVisibleTo, startedBefore } from "@/lib/sessions/queries";
import type { StartedCursor } from "@/lib/sessions/page-cursor";
import { CRITICALITIES, type Criticality } from "@/lib/domain/rules";
import { commandFindings, remoteSessions, sessionCommands, sessionEvents, type CommandFinding, type RemoteSession } from "@/lib/db/schema";
import { protocolsOfKind, type Protocol } from "@/lib/domain/sessions";

export type NewFinding = Omit<CommandFinding, "id" | "sessionId" | "rulesVersion">;
export type NewSessionCommand = { tMs: number; text: string; source: "keys" | "command" | "query"; masked: boolean };

/** The events the analysis reads (keystrokes, proxy commands, database statements), in time order. */
export async function getAnalysisEvents({ sessionId }: { sessionId: number }) {
  return db
    .select({ tMs: sessionEvents.tMs, type: sessionEvents.type, data: sessionEvents.data })
    .from(sessionEvents)
    .where(and(eq(sessionEvents.sessionId, sessionId), inArray(sessionEvents.type, ["key", "command", "query"])))
    .orderBy(asc(sessionEvents.tMs), asc(sessionEvents.id));
}

/**
 * Replaces a session's findings and commands with a new analysis's, and sets the session's
 * risk score (sum of the scores), highest criticality and the rules version
 * used, in one transaction. The session row is locked first, so two analyses
 * of the same session cannot interleave; running it twice leaves one set.
 * An analysis with an older rules version than the stored one is dropped.
 */
export async function replaceSessionFindings({
  sessionId,
  rulesVersion,
  findings,
  commands = [],
}: {
  sessionId: number;
  rulesVersion: number;
  findings: NewFinding[];
  /** Every command the analysis rebuilt, for the search across recordings. */
  commands?: NewSessionCommand[];
}): Promise<{ stored: boolean; riskScore: number; maxCriticality: Criticality | null }> {
  const riskScore = findings.reduce((sum, f) => sum + f.score, 0);
  const top = findings.reduce((max, f) => Math.max(max, CRITICALITIES.indexOf(f.criticality)), -1);
  const maxCriticality: Criticality | null = top >= 0 ? CRITICALITIES[top]! : null;
  return db.transaction(async (tx) => {
    const [session] = await tx
      .select({ id: remoteSessions.id, version: remoteSessions.analysisRulesVersion })
      .from(remoteSessions)
      .where(eq(remoteSessions.id, sessionId))
      .for("update");
    if (!session || (session.version !== null && session.version > rulesVersion)) {
      return { stored: false, riskScore, maxCriticality };
    }
    await tx.delete(commandFindings).where(eq(commandFindings.sessionId, sessionId));
    // Large sessions: insert in slices to stay under PostgreSQL's parameter limit.
    for (let i = 0; i < findings.length; i += 1000) {
      await tx.insert(commandFindings).values(findings.slice(i, i + 1000).map((f) => ({ ...f, sessionId, rulesVersion })));
    }
    await tx.delete(sessionCommands).where(eq(sessionCommands.sessionId, sessionId));
    for (let i = 0; i < commands.length; i += 1000) {
      await tx.insert(sessionCommands).values(commands.slice(i, i + 1000).map((c) => ({ ...c, sessionId })));
    }
    await tx
      .update(remoteSessions)
      .set({ riskScore, maxCriticality, analysisRulesVersion: rulesVersion, analyzedAt: new Date() })
      .where(eq(remoteSessions.id, sessionId));
    return { stored: true, riskScore, maxCriticality };
  });
}

/** A session's findings in time order, for the report and the player's timeline markers. */
export async function getSessionFindings({ sessionId }: { sessionId: number }): Promise<CommandFinding[]> {
  return db.select().from(commandFindings).where(eq(commandFindings.sessionId, sessionId)).orderBy(asc(commandFindings.tMs), asc(commandFindings.id));
}

const ANALYZED_PROTOCOLS: Protocol[] = protocolsOfKind("terminal", "database");

/**
 * The next batch of sessions with command analysis that have events, after
 * `afterId` in id order (a keyset walk that survives restarts).
 */
export async function listSessionIdsToAnalyze({ afterId, limit }: { afterId: number; limit: number }): Promise<number[]> {
  const rows = await db
    .select({ id: remoteSessions.id })
    .from(remoteSessions)
    .where(
      and(
        gt(remoteSessions.id, afterId),
        inArray(remoteSessions.protocol, ANALYZED_PROTOCOLS),
        sql`exists (select 1 from session_events se where se.session_id = "remote_sessions"."id")`,
      ),
    )
    .orderBy(asc(remoteSessions.id))
    .limit(limit);
  return rows.map((r) => r.id);
}

/**
 * True when sessions were analyzed before commands were stored for the search
 * (a database migrated to 0004): analyzed sessions exist, stored commands do not.
 */
export async function commandsNeedBackfill(): Promise<boolean> {
  const result = await db.execute<{ needed: boolean }>(
    sql`select exists (select 1 from remote_sessions where analyzed_at is not null) and not exists (select 1 from session_commands) as needed`,
  );
  return result.rows[0]?.needed === true;
}

export async function getSessionForAnalysis({ sessionId }: { sessionId: number }) {
  const [row] = await db
    .select({ id: remoteSessions.id, protocol: remoteSessions.protocol, status: remoteSessions.status })
    .from(remoteSessions)
    .where(eq(remoteSessions.id, sessionId))
    .limit(1);
  return row ?? null;
}

// ─── Sessions with occurrences detected ─────────────────────────────────────

export const OCCURRENCES_PAGE_SIZE = 50;

export type OccurrenceRow = Pick<
  RemoteSession,
  "id" | "hash" | "protocol" | "host" | "userName" | "credentialUsername" | "startedAt" | "riskScore" | "maxCriticality"
> & { findings: number; startedAtUs: number };

/** Position in the list: the (started_at in µs, id) of the last row shown. */
export type OccurrencesCursor = StartedCursor;

/**
 * Sessions with at least one finding, newest first, one page after the cursor.
 * Role "user" sees only their own sessions. Reads the partial index
 * remote_sessions_findings_started_idx (only sessions with findings have a
 * max criticality), so deep pages cost what the first one does.
 */
export async function listSessionsWithFindings({
  viewer,
  cursor,
  limit = OCCURRENCES_PAGE_SIZE,
}: {
  viewer: Pick<Viewer, "id" | "role">;
  cursor?: OccurrencesCursor | null;
  limit?: number;
}): Promise<{ rows: OccurrenceRow[]; next: OccurrencesCursor | null }> {
  const where: (SQL | undefined)[] = [isNotNull(remoteSessions.maxCriticality)];
  where.push(sessionVisibleTo(viewer));
  if (cursor) where.push(startedBefore(cursor));
  const rows = await db
    .select({
      ...sessionSummaryColumns,
      riskScore: remoteSessions.riskScore,
      maxCriticality: remoteSessions.maxCriticality,
      // Spelled out: drizzle leaves columns unqualified in a select list, which a subquery would misread.
      findings: sql<number>`(select count(*) from command_findings cf where cf.session_id = "remote_sessions"."id")`.mapWith(Number),
    })
    .from(remoteSessions)
    .where(and(...where))
    .orderBy(sql`${remoteSessions.startedAt} desc nulls last`, sql`${remoteSessions.id} desc nulls last`)
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { rows: page, next: rows.length > limit && last ? { startedAtUs: last.startedAtUs, id: last.id } : null };
}
