import "server-only";
import { and, asc, count, desc, eq, isNotNull, isNull, lte, min, or, sql, sum } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { clusterNodes, recordingChunks, recordings, remoteSessions, type ClusterNode } from "@/lib/db/schema";

/**
 * SQL of the cluster: the nodes' heartbeats, and the chunks a node holds on
 * its own disk until the shared store takes them.
 */

export async function saveHeartbeat(values: {
  name: string;
  url: string | null;
  version: string;
  pid: number;
  workerRunning: boolean;
  storage: string;
  storeOk: boolean | null;
  storeError: string | null;
  storeLatencyMs: number | null;
  starting: boolean;
}) {
  const { starting, ...row } = values;
  const now = sql`now()`;
  await db
    .insert(clusterNodes)
    .values({ ...row, heartbeatAt: now, startedAt: now, stoppedAt: null })
    .onConflictDoUpdate({
      target: clusterNodes.name,
      set: { ...row, heartbeatAt: now, stoppedAt: null, ...(starting ? { startedAt: now } : {}) },
    });
}

export async function markNodeStopped({ name, pid }: { name: string; pid: number }) {
  await db
    .update(clusterNodes)
    .set({ stoppedAt: sql`now()`, workerRunning: false })
    .where(and(eq(clusterNodes.name, name), eq(clusterNodes.pid, pid)));
}

export async function listNodes(): Promise<ClusterNode[]> {
  return db.select().from(clusterNodes).orderBy(asc(clusterNodes.name));
}

export async function getNode({ name }: { name: string }): Promise<ClusterNode | null> {
  const [row] = await db.select().from(clusterNodes).where(eq(clusterNodes.name, name)).limit(1);
  return row ?? null;
}

/** The chunks `node` holds whose next copy is due, oldest first. */
export async function listHeldChunksDue({ node, limit }: { node: string; limit: number }) {
  return db
    .select({
      recordingId: recordingChunks.recordingId,
      seq: recordingChunks.seq,
      sizeBytes: recordingChunks.sizeBytes,
      sha256: recordingChunks.sha256,
      syncAttempts: recordingChunks.syncAttempts,
    })
    .from(recordingChunks)
    .where(and(eq(recordingChunks.heldBy, node), or(isNull(recordingChunks.syncNextAt), lte(recordingChunks.syncNextAt, sql`now()`))))
    .orderBy(asc(recordingChunks.syncNextAt), asc(recordingChunks.recordingId), asc(recordingChunks.seq))
    .limit(limit);
}

export async function markChunkSynced({ recordingId, seq, node }: { recordingId: number; seq: number; node: string }) {
  await db
    .update(recordingChunks)
    .set({ heldBy: null, syncError: null, syncNextAt: null })
    .where(and(eq(recordingChunks.recordingId, recordingId), eq(recordingChunks.seq, seq), eq(recordingChunks.heldBy, node)));
}

export async function markChunkSyncFailed({
  recordingId,
  seq,
  node,
  error,
  retryInSeconds,
}: {
  recordingId: number;
  seq: number;
  node: string;
  error: string;
  retryInSeconds: number;
}) {
  await db
    .update(recordingChunks)
    .set({
      syncAttempts: sql`${recordingChunks.syncAttempts} + 1`,
      syncError: error,
      syncNextAt: sql`now() + make_interval(secs => ${retryInSeconds})`,
    })
    .where(and(eq(recordingChunks.recordingId, recordingId), eq(recordingChunks.seq, seq), eq(recordingChunks.heldBy, node)));
}

export type HeldSummary = { node: string; chunks: number; bytes: number; since: Date; lastError: string | null; attempts: number };

/** What each node still holds of one recording: how many chunks, how many bytes, since when, and the last failure. */
export async function getHeldChunksOfRecording({ recordingId }: { recordingId: number }): Promise<HeldSummary[]> {
  const rows = await db
    .select({
      node: recordingChunks.heldBy,
      chunks: count(),
      bytes: sum(recordingChunks.sizeBytes).mapWith(Number),
      since: min(recordingChunks.receivedAt),
      lastError: sql<string | null>`(array_agg(${recordingChunks.syncError} order by ${recordingChunks.syncAttempts} desc))[1]`,
      attempts: sql<number>`max(${recordingChunks.syncAttempts})`.mapWith(Number),
    })
    .from(recordingChunks)
    .where(and(eq(recordingChunks.recordingId, recordingId), isNotNull(recordingChunks.heldBy)))
    .groupBy(recordingChunks.heldBy)
    .orderBy(asc(recordingChunks.heldBy));
  return rows.map((r) => ({ node: r.node!, chunks: r.chunks, bytes: r.bytes, since: r.since!, lastError: r.lastError, attempts: r.attempts }));
}

/** Per node: chunks held, their bytes, the oldest, the last failure (Settings > Cluster). */
export async function summarizeHeldChunksByNode(): Promise<HeldSummary[]> {
  const rows = await db
    .select({
      node: recordingChunks.heldBy,
      chunks: count(),
      bytes: sum(recordingChunks.sizeBytes).mapWith(Number),
      since: min(recordingChunks.receivedAt),
      lastError: sql<string | null>`(array_agg(${recordingChunks.syncError} order by ${recordingChunks.syncAttempts} desc))[1]`,
      attempts: sql<number>`max(${recordingChunks.syncAttempts})`.mapWith(Number),
    })
    .from(recordingChunks)
    .where(isNotNull(recordingChunks.heldBy))
    .groupBy(recordingChunks.heldBy);
  return rows.map((r) => ({ node: r.node!, chunks: r.chunks, bytes: r.bytes, since: r.since!, lastError: r.lastError, attempts: r.attempts }));
}

/** Recordings with chunks not yet in the shared store (admins only: Settings > Cluster lists every session). */
export async function listSynchronizingRecordings({ limit }: { limit: number }) {
  return db
    .select({
      recordingId: recordingChunks.recordingId,
      sessionHash: remoteSessions.hash,
      status: recordings.status,
      node: recordingChunks.heldBy,
      chunks: count(),
      bytes: sum(recordingChunks.sizeBytes).mapWith(Number),
      since: min(recordingChunks.receivedAt),
      lastError: sql<string | null>`(array_agg(${recordingChunks.syncError} order by ${recordingChunks.syncAttempts} desc))[1]`,
    })
    .from(recordingChunks)
    .innerJoin(recordings, eq(recordings.id, recordingChunks.recordingId))
    .innerJoin(remoteSessions, eq(remoteSessions.id, recordings.sessionId))
    .where(isNotNull(recordingChunks.heldBy))
    .groupBy(recordingChunks.recordingId, remoteSessions.hash, recordings.status, recordingChunks.heldBy)
    .orderBy(desc(min(recordingChunks.receivedAt)))
    .limit(limit);
}

/** Whether the recording was claimed by finish and not assembled yet (so a sync that completes it should queue the assembly). */
export async function isWaitingForAssembly({ recordingId }: { recordingId: number }): Promise<boolean> {
  const [row] = await db
    .select({ id: recordings.id })
    .from(recordings)
    .where(and(eq(recordings.id, recordingId), eq(recordings.status, "processing"), isNull(recordings.finishedAt)))
    .limit(1);
  return Boolean(row);
}

export async function countHeldChunks({ recordingId }: { recordingId: number }): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(recordingChunks)
    .where(and(eq(recordingChunks.recordingId, recordingId), isNotNull(recordingChunks.heldBy)));
  return row?.n ?? 0;
}

/** Recordings claimed by finish more than `olderThanSeconds` ago and still unassembled (their assembly waits or was lost). */
export async function listStalledAssemblies({ olderThanSeconds }: { olderThanSeconds: number }): Promise<number[]> {
  const rows = await db
    .select({ id: recordings.id })
    .from(recordings)
    .innerJoin(remoteSessions, eq(remoteSessions.id, recordings.sessionId))
    .where(
      and(
        eq(recordings.status, "processing"),
        isNull(recordings.finishedAt),
        lte(remoteSessions.endedAt, sql`now() - make_interval(secs => ${olderThanSeconds})`),
      ),
    )
    .orderBy(asc(recordings.id))
    .limit(100);
  return rows.map((r) => r.id);
}
