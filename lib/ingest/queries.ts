import "server-only";
import { and, asc, count, eq, inArray, isNull, lt, or, sql } from "drizzle-orm";
import { db, getDb, type Db } from "@/lib/db/client";
import {
  liveCommands,
  recordingChunks,
  recordings,
  remoteSessions,
  sessionEvents,
  users,
  type LiveCommand,
  type NewRecording,
  type NewRemoteSession,
  type Recording,
  type RecordingChunk,
  type RemoteSession,
} from "@/lib/db/schema";
import { ACCEPTS_CHUNKS } from "@/lib/domain/recordings";
import { getRecordingBySession, type RecordingFacts } from "@/lib/recordings/queries";
import type { SessionEventInput } from "./schemas";

/**
 * SQL of the ingestion API. Sessions here are addressed by the proxy's hash,
 * never by a viewer: nothing outside lib/ingest may import this file (the
 * boundary check in `npm run check` refuses it), and its readers say
 * "Unchecked" so that no one mistakes them for the viewer-checked ones of
 * lib/sessions/queries.ts.
 */

/** The status reason of a recording claimed by finish and not yet assembled. */
export const ASSEMBLING = "Assembling the chunks";

export async function getSessionByHashUnchecked({ hash }: { hash: string }): Promise<RemoteSession | null> {
  const [row] = await db.select().from(remoteSessions).where(eq(remoteSessions.hash, hash)).limit(1);
  return row ?? null;
}

/** The account of a PAM user: by email first, then by display name (case-insensitive). */
export async function findPamUser({ name }: { name: string }): Promise<{ id: string } | null> {
  const lowered = name.toLowerCase();
  const rows = await db
    .select({ id: users.id, email: users.email })
    .from(users)
    .where(or(sql`lower(${users.email}) = ${lowered}`, sql`lower(${users.name}) = ${lowered}`))
    .limit(5);
  const byEmail = rows.find((r) => r.email.toLowerCase() === lowered);
  if (byEmail) return { id: byEmail.id };
  // A display name shared by several accounts is ambiguous: keep only the name.
  return rows.length === 1 && rows[0] ? { id: rows[0].id } : null;
}

/** Inserts the session unless its hash exists; returns the row and whether it is new. */
export async function insertSessionOnce(values: NewRemoteSession): Promise<{ session: RemoteSession; created: boolean }> {
  const [inserted] = await db.insert(remoteSessions).values(values).onConflictDoNothing({ target: remoteSessions.hash }).returning();
  if (inserted) return { session: inserted, created: true };
  const existing = await getSessionByHashUnchecked({ hash: values.hash });
  if (!existing) throw new Error(`session ${values.hash} neither inserted nor found`);
  return { session: existing, created: false };
}

/** The recording of a session, created on the first chunk. */
export async function ensureRecording({ sessionId, receivedBy }: { sessionId: number; receivedBy: string }): Promise<RecordingFacts> {
  await db.insert(recordings).values({ sessionId, receivedBy }).onConflictDoNothing({ target: recordings.sessionId });
  const row = await getRecordingBySession({ sessionId });
  if (!row) throw new Error(`recording of session ${sessionId} neither inserted nor found`);
  return row;
}

function buildChunkTargetQuery(database: Db) {
  return (
    database
      .select({ session: remoteSessions, recording: recordings, chunk: { sha256: recordingChunks.sha256, sizeBytes: recordingChunks.sizeBytes } })
      .from(remoteSessions)
      .leftJoin(recordings, eq(recordings.sessionId, remoteSessions.id))
      .leftJoin(recordingChunks, and(eq(recordingChunks.recordingId, recordings.id), eq(recordingChunks.seq, sql.placeholder("seq"))))
      .where(eq(remoteSessions.hash, sql.placeholder("hash")))
      .limit(1)
      // A proxy sends a chunk every few seconds per session: built once, prepared once per connection.
      .prepare("ingest_chunk_target")
  );
}
const chunkTargetQueries = new WeakMap<Db, ReturnType<typeof buildChunkTargetQuery>>();

/**
 * What a chunk upload must know before it reads the body, in one round trip:
 * the session, its recording (null before the first chunk) and chunk `seq`
 * when it was already received. Null when there is no such session.
 */
export async function getChunkTarget({ hash, seq }: { hash: string; seq: number }): Promise<{
  session: RemoteSession;
  recording: Recording | null;
  chunk: Pick<RecordingChunk, "sha256" | "sizeBytes"> | null;
} | null> {
  const database = getDb();
  let query = chunkTargetQueries.get(database);
  if (!query) chunkTargetQueries.set(database, (query = buildChunkTargetQuery(database)));
  const [row] = await query.execute({ hash, seq });
  return row ?? null;
}

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

/**
 * Locks the recording row for the rest of `tx`, then reads its status and
 * chunk `seq` as they are now: concurrent uploads of one recording, and its
 * finish, take turns from here to commit. Two statements on purpose: a
 * statement that waited for the lock still reads other tables as they were
 * when it began, so it would miss the chunk the lock holder just recorded.
 */
async function lockChunkSlot(
  tx: Tx,
  { recordingId, seq }: { recordingId: number; seq: number },
): Promise<{ status: Recording["status"]; chunk: Pick<RecordingChunk, "sha256" | "sizeBytes"> | null } | null> {
  const [locked] = await tx.select({ status: recordings.status }).from(recordings).where(eq(recordings.id, recordingId)).for("update");
  if (!locked) return null;
  const [chunk] = await tx
    .select({ sha256: recordingChunks.sha256, sizeBytes: recordingChunks.sizeBytes })
    .from(recordingChunks)
    .where(and(eq(recordingChunks.recordingId, recordingId), eq(recordingChunks.seq, seq)));
  return { status: locked.status, chunk: chunk ?? null };
}

/** Where the bytes of a chunk went: the shared store (null), or this node's own disk and why. */
export type ChunkPlacement = { heldBy: string; reason: string } | null;

/** Records chunk `seq` and adds its size to the recording's and the session's, in one statement. */
async function insertChunk(
  tx: Tx,
  {
    sessionId,
    recordingId,
    seq,
    sizeBytes,
    sha256,
    placement,
  }: { sessionId: number; recordingId: number; seq: number; sizeBytes: number; sha256: string; placement: ChunkPlacement },
) {
  const held = placement ? { heldBy: placement.heldBy, syncError: placement.reason, syncNextAt: sql`now()` } : {};
  const added = tx.$with("added").as(
    tx
      .insert(recordingChunks)
      .values({ recordingId, seq, sizeBytes, sha256, ...held })
      .returning({ seq: recordingChunks.seq }),
  );
  const grown = tx.$with("grown").as(
    tx
      .update(recordings)
      .set({ sizeBytes: sql`${recordings.sizeBytes} + ${sizeBytes}` })
      .where(eq(recordings.id, recordingId))
      .returning({ id: recordings.id }),
  );
  await tx
    .with(added, grown)
    .update(remoteSessions)
    .set({ recordingSize: sql`${remoteSessions.recordingSize} + ${sizeBytes}` })
    .where(eq(remoteSessions.id, sessionId));
}

/**
 * Records chunk `seq` once, in one transaction: the recording row is locked
 * first (concurrent uploads of this recording, and its finish, take turns
 * from here to commit), then `commitBytes` puts the checked bytes in place
 * (the shared store, or this node's disk when the store cannot take them: it
 * says which) and the chunk's row is written. When the chunk was recorded
 * meanwhile, or the recording stopped taking chunks, says so and commits nothing.
 */
export async function recordChunk(input: {
  sessionId: number;
  recordingId: number;
  seq: number;
  sizeBytes: number;
  sha256: string;
  commitBytes: () => Promise<ChunkPlacement>;
}): Promise<{ kind: "recorded"; placement: ChunkPlacement } | { kind: "known"; chunk: Pick<RecordingChunk, "sha256" | "sizeBytes"> } | { kind: "closed" }> {
  return db.transaction(async (tx) => {
    const slot = await lockChunkSlot(tx, { recordingId: input.recordingId, seq: input.seq });
    if (slot?.chunk) return { kind: "known", chunk: slot.chunk };
    if (!slot || !ACCEPTS_CHUNKS.includes(slot.status)) return { kind: "closed" };
    const placement = await input.commitBytes();
    await insertChunk(tx, { ...input, placement });
    return { kind: "recorded", placement };
  });
}

export async function countEvents({ sessionId }: { sessionId: number }): Promise<number> {
  const [row] = await db.select({ n: count() }).from(sessionEvents).where(eq(sessionEvents.sessionId, sessionId));
  return row?.n ?? 0;
}

/** Recordings claimed by finish with no outcome yet: being assembled now, or cut short by a crash. */
export async function listUnassembledRecordingIds(): Promise<number[]> {
  const rows = await db
    .select({ id: recordings.id })
    .from(recordings)
    .where(and(eq(recordings.status, "processing"), isNull(recordings.finishedAt)))
    .orderBy(asc(recordings.id));
  return rows.map((r) => r.id);
}

/** Stores a batch of events in one transaction: all of it or none. */
export async function insertSessionEvents({ sessionId, events }: { sessionId: number; events: SessionEventInput[] }) {
  await db.transaction(async (tx) => {
    for (let i = 0; i < events.length; i += 2000) {
      await tx.insert(sessionEvents).values(events.slice(i, i + 2000).map(({ type, t, ...data }) => ({ sessionId, tMs: t, type, data })));
    }
  });
}

/** The proxy finished the session: when, and how (an error message makes it "failed"). */
/**
 * Ends an active session; false when it had ended already (a retried or a
 * concurrent finish): the first outcome stands.
 */
export async function closeSession({
  id,
  endedAt,
  errorMessage,
  keepStatus = false,
}: {
  id: number;
  endedAt: Date;
  errorMessage: string | null;
  /** A session terminated from here ends "closed" with the message that says who terminated it. */
  keepStatus?: boolean;
}) {
  const rows = await db
    .update(remoteSessions)
    .set({ endedAt, status: errorMessage && !keepStatus ? "failed" : "closed", errorMessage })
    .where(and(eq(remoteSessions.id, id), eq(remoteSessions.status, "active")))
    .returning({ id: remoteSessions.id });
  return rows.length > 0;
}

/**
 * Finish claims the recording: from here chunk uploads are refused. Only a
 * recording still taking chunks, or one whose assembly was cut short, can be
 * claimed; false when another finish got there first. An upload in flight
 * holds the row lock, so this waits for it and then counts its chunk.
 */
export async function claimRecordingForAssembly({
  id,
  expectedChunks,
  expectedSha256,
}: {
  id: number;
  expectedChunks: number;
  expectedSha256: string | null;
}): Promise<boolean> {
  const claimed = await db
    .update(recordings)
    .set({ status: "processing", statusReason: ASSEMBLING, finishedAt: null, expectedChunks, expectedSha256 })
    .where(and(eq(recordings.id, id), or(inArray(recordings.status, ACCEPTS_CHUNKS), and(eq(recordings.status, "processing"), isNull(recordings.finishedAt)))))
    .returning({ id: recordings.id });
  return claimed.length > 0;
}

/** What an assembly found: "incomplete" with its reason, or the media assembled and verified ("processing" until the probe). */
export async function saveAssemblyOutcome({
  id,
  values,
}: {
  id: number;
  values: Pick<NewRecording, "status" | "statusReason" | "chainHead" | "finishedAt"> &
    Partial<Pick<NewRecording, "sizeBytes" | "integrityStatus" | "integrityCheckedAt" | "integrityFirstBadChunk" | "integrityDetail">>;
}) {
  await db.update(recordings).set(values).where(eq(recordings.id, id));
}

/** An assembly that waits (chunks on another node, the store down): the reason, shown to the proxy and on the report; no outcome yet. */
export async function saveAssemblyWaiting({ id, reason }: { id: number; reason: string }) {
  await db
    .update(recordings)
    .set({ statusReason: reason })
    .where(and(eq(recordings.id, id), eq(recordings.status, "processing"), isNull(recordings.finishedAt)));
}

// ─── Live commands, as the proxy sees them ───────────────────────────────────

/** A command as the command channel hands it to the proxy. */
export type DeliveredLiveCommand = Pick<LiveCommand, "id" | "kind" | "text" | "issuedAt" | "issuedByName"> & { hash: string };

/**
 * Hands out the commands waiting for the sessions of `tokenId`: those never
 * delivered, and those delivered more than `redeliverAfterMs` ago and still
 * not acknowledged (the answer that carried them may have been lost with the
 * connection). One statement: two channels of the same proxy on two nodes
 * polling at once cannot both take a command (the second UPDATE waits for
 * the first's row lock, then sees `delivered_at` set and skips the row).
 */
export async function claimLiveCommandsUnchecked({
  tokenId,
  redeliverAfterMs,
}: {
  tokenId: string;
  redeliverAfterMs: number;
}): Promise<DeliveredLiveCommand[]> {
  // eslint-disable-next-line drizzle/enforce-update-with-where -- UPDATE … FROM: the WHERE follows the FROM below
  const rows = await db
    .update(liveCommands)
    .set({ deliveredAt: sql`now()` })
    .from(remoteSessions)
    .where(
      and(
        eq(liveCommands.sessionId, remoteSessions.id),
        eq(remoteSessions.apiTokenId, tokenId),
        isNull(liveCommands.outcome),
        isNull(liveCommands.acknowledgedAt),
        or(isNull(liveCommands.deliveredAt), lt(liveCommands.deliveredAt, sql`now() - ${redeliverAfterMs} * interval '1 millisecond'`)),
      ),
    )
    .returning({
      id: liveCommands.id,
      kind: liveCommands.kind,
      text: liveCommands.text,
      issuedAt: liveCommands.issuedAt,
      issuedByName: liveCommands.issuedByName,
      hash: remoteSessions.hash,
    });
  return rows.sort((a, b) => a.issuedAt.getTime() - b.issuedAt.getTime());
}

/** A command of a session of `tokenId` (null for any other token's, like a missing one), its session's hash beside it. */
export async function getLiveCommandForTokenUnchecked({ id, tokenId }: { id: string; tokenId: string }) {
  const [row] = await db
    .select({ command: liveCommands, hash: remoteSessions.hash, sessionId: remoteSessions.id })
    .from(liveCommands)
    .innerJoin(remoteSessions, eq(remoteSessions.id, liveCommands.sessionId))
    .where(and(eq(liveCommands.id, id), eq(remoteSessions.apiTokenId, tokenId)))
    .limit(1);
  return row ?? null;
}

type IngestTx = Parameters<Parameters<Db["transaction"]>[0]>[0];

/**
 * Records the proxy's acknowledgement and, when given, its outcome, once:
 * runs `onAnswered` in the same transaction when the outcome is new (the
 * audit entry). Returns the command as stored afterwards.
 */
export async function answerLiveCommandUnchecked({
  id,
  outcome,
  message,
  onAnswered,
}: {
  id: string;
  outcome: LiveCommand["outcome"];
  message: string | null;
  onAnswered: (tx: IngestTx, command: LiveCommand) => Promise<void>;
}): Promise<LiveCommand> {
  return db.transaction(async (tx) => {
    const [locked] = await tx.select().from(liveCommands).where(eq(liveCommands.id, id)).for("update");
    if (!locked) throw new Error(`live command ${id} vanished`);
    if (!outcome || locked.outcome) {
      if (locked.acknowledgedAt) return locked;
      const [acked] = await tx
        .update(liveCommands)
        .set({ acknowledgedAt: sql`now()`, deliveredAt: sql`coalesce(${liveCommands.deliveredAt}, now())` })
        .where(eq(liveCommands.id, id))
        .returning();
      return acked!;
    }
    const [answered] = await tx
      .update(liveCommands)
      .set({
        outcome,
        outcomeMessage: message,
        answeredAt: sql`now()`,
        acknowledgedAt: sql`coalesce(${liveCommands.acknowledgedAt}, now())`,
        deliveredAt: sql`coalesce(${liveCommands.deliveredAt}, now())`,
      })
      .where(eq(liveCommands.id, id))
      .returning();
    await onAnswered(tx, answered!);
    return answered!;
  });
}

/** The session ended: what the proxy never answered is answered "gone" here, and returned. */
export async function closePendingLiveCommandsUnchecked({ sessionId, message }: { sessionId: number; message: string }): Promise<LiveCommand[]> {
  return db
    .update(liveCommands)
    .set({ outcome: "gone", outcomeMessage: message, answeredAt: sql`now()` })
    .where(and(eq(liveCommands.sessionId, sessionId), isNull(liveCommands.outcome)))
    .returning();
}

/** The terminate command the proxy carried out for this session, if any (the first). */
export async function getDoneTerminateUnchecked({ sessionId }: { sessionId: number }): Promise<LiveCommand | null> {
  const [row] = await db
    .select()
    .from(liveCommands)
    .where(and(eq(liveCommands.sessionId, sessionId), eq(liveCommands.kind, "terminate"), eq(liveCommands.outcome, "done")))
    .orderBy(asc(liveCommands.answeredAt))
    .limit(1);
  return row ?? null;
}
