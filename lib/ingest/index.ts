import "server-only";
import { recordAudit } from "@/lib/audit";
import { describeLiveCommand } from "@/lib/domain/live";
import { ACCEPTS_CHUNKS } from "@/lib/domain/recordings";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { limitedBody } from "@/lib/http/body";
import { assembleRecordingJob } from "@/lib/jobs/assemble-recording";
import { onRecordingReady } from "@/lib/recordings/ready";
import { getRecordingBySession, listChunks } from "@/lib/recordings/queries";
import type { RemoteSession } from "@/lib/db/schema";
import { describeStoreError, getStorage, isStoreError, storageKeys } from "@/lib/storage";
import { assembleRecording, isAssemblyInterrupted } from "./assemble";
import {
  claimRecordingForAssembly,
  closePendingLiveCommandsUnchecked,
  closeSession,
  countEvents,
  ensureRecording,
  findPamUser,
  getChunkTarget,
  getDoneTerminateUnchecked,
  getSessionByHashUnchecked,
  insertSessionEvents,
  insertSessionOnce,
  recordChunk,
} from "./queries";
import {
  replaceUnstorable,
  RESULT_DATA_KEYS,
  sessionEventSchema,
  type FinishSessionInput,
  type SessionEventInput,
  type SessionStatusOutput,
  type StartSessionInput,
} from "./schemas";
import { MAX_CHUNK_BYTES, MAX_EVENTS_PER_BATCH } from "./limits";

export { MAX_CHUNK_BYTES, MAX_EVENTS_BATCH_BYTES, MAX_EVENTS_PER_BATCH } from "./limits";

/** A worker finishes an assembly left undone after this long: finish itself takes seconds, even for GiBs. */
const ASSEMBLY_SAFETY_NET_SECONDS = 120;

/** How long a chunk's copy to a shared store may take (plus its size at 5 MB/s) before it is held on this node instead. */
const COMMIT_BUDGET_MS = 10_000;
const COMMIT_MIN_BYTES_PER_MS = 5_000;

/** The one answer for a session that does not exist and for one another token started. */
const noSession = (hash: string) => new AppError(`hash: no session ${hash}; start it first`, 404, "hash");

/**
 * A session belongs to the API token that started it (remote_sessions.api_token_id):
 * any other token, and any token for a session recorded before tokens were
 * bound, gets the same 404 as for a session that does not exist.
 */
function ownedBy(session: Pick<RemoteSession, "apiTokenId">, tokenId: string): boolean {
  return session.apiTokenId === tokenId;
}

async function sessionOr404(hash: string, tokenId: string): Promise<RemoteSession> {
  const session = await getSessionByHashUnchecked({ hash });
  if (!session || !ownedBy(session, tokenId)) throw noSession(hash);
  return session;
}

// ─── start ───────────────────────────────────────────────────────────────────

/**
 * Idempotent on the hash: a second start by the same token returns the
 * session as it is; a start by another token of a hash already taken is
 * refused (409) and changes nothing.
 */
export async function startSession(input: StartSessionInput, tokenId: string): Promise<{ session: RemoteSession; created: boolean }> {
  const account = await findPamUser({ name: input.user });
  const result = await insertSessionOnce({
    apiTokenId: tokenId,
    hash: input.hash,
    protocol: input.protocol,
    host: input.host,
    credentialUsername: input.credentialUsername,
    userId: account?.id ?? null,
    userName: input.user,
    userIp: input.userIp,
    clusterNode: input.clusterNode ?? null,
    startedAt: new Date(input.startedAt),
    status: "active",
  });
  if (!result.created && !ownedBy(result.session, tokenId)) {
    throw new AppError("hash: this hash is already taken by another session; choose another", 409, "hash");
  }
  return result;
}

// ─── status ──────────────────────────────────────────────────────────────────

export async function getSessionStatus(hash: string, tokenId: string): Promise<SessionStatusOutput> {
  const session = await sessionOr404(hash, tokenId);
  const recording = await getRecordingBySession({ sessionId: session.id });
  const chunks = recording ? await listChunks({ recordingId: recording.id }) : [];
  let nextSeq = 0;
  for (const c of chunks) if (c.seq === nextSeq) nextSeq++;
  return {
    hash: session.hash,
    status: session.status,
    recording: recording
      ? {
          status: recording.status,
          statusReason: recording.statusReason,
          sizeBytes: recording.sizeBytes,
          chunks: chunks.map((c) => ({ seq: c.seq, sha256: c.sha256, sizeBytes: c.sizeBytes })),
          nextSeq,
        }
      : null,
    eventCount: await countEvents({ sessionId: session.id }),
  };
}

// ─── chunks ──────────────────────────────────────────────────────────────────

/**
 * Stores chunk `seq`: the body streams to a staged object while its SHA-256
 * is computed; only when it matches `X-Chunk-SHA256` is it committed and
 * recorded, and only then acknowledged. The same chunk again is accepted
 * once; another body for an acknowledged number is refused.
 *
 * On a shared store, committed means in the store: after the answer, losing
 * this node loses nothing. When the store cannot take the chunk, it stays on
 * this node's disk (fsynced), is recorded as held by this node and is
 * acknowledged; this node's sync job copies it to the store later.
 */
export async function storeChunk(input: {
  hash: string;
  tokenId: string;
  seq: number;
  sha256: string;
  body: ReadableStream<Uint8Array> | null;
  declaredLength: number | null;
}): Promise<{ seq: number; sha256: string; sizeBytes: number; duplicate: boolean }> {
  const { seq, sha256 } = input;
  const discardBody = () => input.body?.cancel().catch(() => undefined);
  const refuse = async (error: AppError): Promise<never> => {
    await discardBody();
    throw error;
  };
  const answerKnown = (known: { sha256: string; sizeBytes: number }) => {
    if (known.sha256 === sha256) return { seq, sha256, sizeBytes: known.sizeBytes, duplicate: true };
    throw new AppError(`seq: chunk ${seq} was already received with another SHA-256`, 409, "seq");
  };

  const target = await getChunkTarget({ hash: input.hash, seq });
  if (!target || !ownedBy(target.session, input.tokenId)) return refuse(noSession(input.hash));
  const { session } = target;
  if (input.declaredLength !== null && input.declaredLength > MAX_CHUNK_BYTES) {
    return refuse(new AppError(`body: a chunk may be at most ${MAX_CHUNK_BYTES} bytes`, 413, "body"));
  }
  if (session.status !== "active" && !target.recording) {
    // Finished without media: a chunk now would belong to nothing the proxy announced.
    return refuse(new AppError("hash: the session finished without media; it accepts no chunks", 409, "hash"));
  }
  if (target.chunk) {
    await discardBody();
    return answerKnown(target.chunk);
  }
  const recording = target.recording ?? (await ensureRecording({ sessionId: session.id, receivedBy: env.NODE_NAME }));
  if (!ACCEPTS_CHUNKS.includes(recording.status)) {
    return refuse(new AppError(`seq: the recording is finished (${recording.status}); it accepts no more chunks`, 409, "seq"));
  }
  if (!input.body) throw new AppError("body: the chunk's bytes are missing", 400, "body");

  // A client that hangs up mid-chunk fails the write; nothing is acknowledged.
  const staged = await getStorage().stage(
    storageKeys.chunk(recording.id, seq),
    limitedBody(input.body, MAX_CHUNK_BYTES, `body: a chunk may be at most ${MAX_CHUNK_BYTES} bytes`),
  );
  try {
    if (staged.size === 0) throw new AppError("body: a chunk cannot be empty", 400, "body");
    if (staged.sha256 !== sha256) {
      throw new AppError(`X-Chunk-SHA256: the body's SHA-256 is ${staged.sha256}, not the one sent`, 422, "X-Chunk-SHA256");
    }
    const outcome = await recordChunk({
      sessionId: session.id,
      recordingId: recording.id,
      seq,
      sizeBytes: staged.size,
      sha256,
      commitBytes: async () => {
        try {
          // Bounded: a store that hangs must not keep the proxy (and the recording's row lock) waiting.
          await staged.commit({ signal: AbortSignal.timeout(Math.round(COMMIT_BUDGET_MS + staged.size / COMMIT_MIN_BYTES_PER_MS)) });
          return null;
        } catch (error) {
          if (!staged.hold || !(isStoreError(error) || (error as Error).name === "AbortError" || (error as Error).name === "TimeoutError")) throw error;
          // The shared store cannot take it now: keep it on this node's disk (fsynced) and acknowledge.
          await staged.hold();
          const reason = describeStoreError(error);
          console.warn(`[ingest] recording ${recording.id} chunk ${seq}: held on node ${env.NODE_NAME} until the store takes it: ${reason}`);
          return { heldBy: env.NODE_NAME, reason };
        }
      },
    });
    if (outcome.kind === "known") return answerKnown(outcome.chunk);
    if (outcome.kind === "closed") throw new AppError("seq: the recording is finished; it accepts no more chunks", 409, "seq");
    return { seq, sha256, sizeBytes: staged.size, duplicate: false };
  } finally {
    await staged.discard().catch(() => undefined);
  }
}

// ─── events ──────────────────────────────────────────────────────────────────

/**
 * Parses a batch of events: JSON lines (`application/x-ndjson`, one event a
 * line) or, with `application/json`, a JSON array of events. All or
 * nothing: one bad event refuses the whole batch, so a query event with
 * result data leaves no trace of its batch.
 */
export function parseEventBatch(text: string, contentType: string | null): SessionEventInput[] {
  const mediaType = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  // JSON lines sent as application/json (as proxies did before arrays were accepted) are still JSON lines.
  if (mediaType !== "application/json" || !text.trimStart().startsWith("[")) return parseEventLines(text);
  let values: unknown;
  try {
    values = JSON.parse(text);
  } catch {
    throw new AppError("body: is not valid JSON", 400, "body");
  }
  if (!Array.isArray(values)) throw new AppError("body: is not valid JSON", 400, "body");
  if (values.length > MAX_EVENTS_PER_BATCH) throw new AppError(`body: at most ${MAX_EVENTS_PER_BATCH} events per batch`, 413, "body");
  return values.map((value, i) => checkedEvent(value, `body.${i}`));
}

/** Parses a batch of JSON lines (one event a line, blank lines ignored). */
export function parseEventLines(text: string): SessionEventInput[] {
  const events: SessionEventInput[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line) continue;
    const where = `line ${i + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new AppError(`${where}: is not valid JSON`, 400, where);
    }
    events.push(checkedEvent(value, where));
    if (events.length > MAX_EVENTS_PER_BATCH) {
      throw new AppError(`body: at most ${MAX_EVENTS_PER_BATCH} events per batch`, 413, "body");
    }
  }
  return events;
}

/** One event of a batch, validated (422 naming `where` and the field), its texts made storable. */
function checkedEvent(value: unknown, where: string): SessionEventInput {
  if (value && typeof value === "object" && (value as { type?: unknown }).type === "query") {
    const leaked = RESULT_DATA_KEYS.filter((k) => k in value);
    if (leaked.length > 0) {
      // Name the keys only: the values are result data and must not be echoed or logged.
      throw new AppError(
        `${where}.${leaked[0]}: a query event must not carry result data (${leaked.join(", ")}); send the statement, outcome and rows affected only`,
        422,
        `${where}.${leaked[0]}`,
      );
    }
  }
  const parsed = sessionEventSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = [where, ...(issue?.path.map(String) ?? [])].join(".");
    const message = issue?.code === "unrecognized_keys" ? `unknown key(s) ${issue.keys.join(", ")}` : (issue?.message ?? "is invalid");
    throw new AppError(`${field}: ${message}`, 422, field);
  }
  return withStorableText(parsed.data);
}

/**
 * An event whose texts the database can store: each NUL becomes ␀ and each
 * unpaired surrogate U+FFFD (schemas.ts, replaceUnstorable), and the event
 * names the fields changed in `replaced`, so the keystroke log still shows
 * that something was there and an auditor can tell.
 */
function withStorableText(event: SessionEventInput): SessionEventInput {
  const replaced: string[] = [];
  const copy: Record<string, unknown> = { ...event };
  for (const [key, value] of Object.entries(event)) {
    if (typeof value !== "string") continue;
    const { text, changed } = replaceUnstorable(value);
    if (changed) {
      copy[key] = text;
      replaced.push(key);
    }
  }
  return (replaced.length ? { ...copy, replaced } : copy) as SessionEventInput;
}

export async function storeEvents({
  hash,
  tokenId,
  events,
}: {
  hash: string;
  tokenId: string;
  events: SessionEventInput[];
}): Promise<{ stored: number; replaced?: number }> {
  const session = await sessionOr404(hash, tokenId);
  if (session.status !== "active") throw new AppError("hash: the session is finished; it accepts no more events", 409, "hash");
  if (events.length === 0) return { stored: 0 };
  await insertSessionEvents({ sessionId: session.id, events });
  const replaced = events.filter((e) => "replaced" in e).length;
  return replaced ? { stored: events.length, replaced } : { stored: events.length };
}

// ─── finish ──────────────────────────────────────────────────────────────────

/**
 * Claims the recording (from here chunk uploads are refused), records what the
 * proxy announced and assembles the media. The assembly runs here so the proxy
 * gets its outcome, and is also queued as a delayed job: should this process
 * die while assembling, a worker completes it (see assemble.ts).
 */
export async function finishSession(hash: string, tokenId: string, input: FinishSessionInput) {
  const session = await sessionOr404(hash, tokenId);
  const existing = await getRecordingBySession({ sessionId: session.id });
  if (input.totalChunks > 0 && !input.mediaSha256) {
    throw new AppError("mediaSha256: required when totalChunks is more than 0", 422, "mediaSha256");
  }
  // What the target said: a NUL in it is replaced like in events, never a reason to refuse the finish.
  const errorMessage = input.errorMessage ? replaceUnstorable(input.errorMessage).text : null;
  const close = async () => {
    const terminated = await closeLiveCommands(session);
    return closeSession({
      id: session.id,
      endedAt: new Date(input.endedAt),
      errorMessage: errorMessage ?? terminated,
      keepStatus: !errorMessage && !!terminated,
    });
  };

  if (existing && !ACCEPTS_CHUNKS.includes(existing.status) && !isAssemblyInterrupted(existing)) {
    // Finished already (a retried finish): answer with what is stored.
    return finishReceipt(hash, tokenId);
  }
  if (!existing && session.status !== "active") {
    // Finished already without media (a retried finish): the first outcome stands, as for a
    // session with media. Closing again would turn a failed session into a closed one.
    return finishReceipt(hash, tokenId);
  }
  if (input.totalChunks === 0 && !existing) {
    if (await close()) await onRecordingReady(session.id);
    return finishReceipt(hash, tokenId);
  }

  const recording = existing ?? (await ensureRecording({ sessionId: session.id, receivedBy: env.NODE_NAME }));
  const claimed = await claimRecordingForAssembly({
    id: recording.id,
    expectedChunks: input.totalChunks,
    expectedSha256: input.mediaSha256 ?? null,
  });
  if (!claimed) return finishReceipt(hash, tokenId);
  await close();
  await assembleRecordingJob.send({ recordingId: recording.id }, { startAfter: ASSEMBLY_SAFETY_NET_SECONDS });
  await assembleRecording(recording.id);
  return finishReceipt(hash, tokenId);
}

async function finishReceipt(hash: string, tokenId: string) {
  const session = await sessionOr404(hash, tokenId);
  const recording = await getRecordingBySession({ sessionId: session.id });
  return {
    hash: session.hash,
    status: session.status,
    recording: recording ? { status: recording.status, statusReason: recording.statusReason, chainHead: recording.chainHead } : null,
  };
}

/**
 * The session ended: commands the proxy never answered are answered "gone"
 * (and audited so), and a terminate the proxy carried out becomes the
 * session's error message ("Terminated by Ana at 2026-12-02 14:03:11 UTC: reason")
 * unless the proxy sent its own.
 */
async function closeLiveCommands(session: RemoteSession): Promise<string | null> {
  const gone = await closePendingLiveCommandsUnchecked({ sessionId: session.id, message: "The session ended before the proxy answered." });
  for (const command of gone) {
    await recordAudit({
      actor: null,
      action: "live.command_answered",
      target: { type: "session", id: session.hash },
      details: {
        commandId: command.id,
        kind: command.kind,
        reason: command.text,
        issuedBy: command.issuedByName,
        outcome: "gone",
        message: command.outcomeMessage,
        by: "server",
      },
    });
  }
  const terminate = await getDoneTerminateUnchecked({ sessionId: session.id });
  if (!terminate) return null;
  const at = `${terminate.issuedAt.toISOString().slice(0, 19).replace("T", " ")} UTC`;
  return describeLiveCommand({ ...terminate, at });
}
