import "server-only";
import { createHash } from "node:crypto";
import { LOCK_CLASSES, withAdvisoryLock } from "@/lib/db/locks";
import { env } from "@/lib/env";
import { probeRecordingJob } from "@/lib/jobs/probe-recording";
import { chainHead } from "@/lib/recordings/chain";
import { getRecordingById, listChunks, type RecordingFacts } from "@/lib/recordings/queries";
import { describeStoreError, getStorage, isStoreError, storageKeys } from "@/lib/storage";
import { saveAssemblyOutcome, saveAssemblyWaiting } from "./queries";

/** Claimed by finish ("processing") but never given an outcome (finishedAt): its assembly was cut short. */
export function isAssemblyInterrupted(recording: Pick<RecordingFacts, "status" | "finishedAt">): boolean {
  return recording.status === "processing" && recording.finishedAt === null;
}

/**
 * Completes a recording claimed by finish: checks the chunks against what the
 * proxy announced, concatenates them into the media while re-hashing each,
 * compares the whole SHA-256, and queues the probe. Safe to run twice and from
 * several processes: a recording already assembled only gets its probe queued
 * again (deduplicated), anything else is left alone.
 *
 * In a cluster it waits, without an outcome, while chunks are held on another
 * node's disk (that node's sync queues the assembly again once they are in
 * the shared store) or while the shared store cannot be reached (every node
 * queues waiting assemblies again every half minute): a store that is down
 * makes a recording late, never incomplete.
 */
export async function assembleRecording(recordingId: number): Promise<void> {
  // One assembly at a time across processes (finish, a retried finish, the recovery job); the
  // lock ends with its connection, so whoever waits takes over from a process killed midway.
  await withAdvisoryLock({ class: LOCK_CLASSES.assembly, id: recordingId }, async ({ stillHeld }) => {
    const recording = await getRecordingById({ id: recordingId });
    if (recording && isAssemblyInterrupted(recording)) await assemble(recording, stillHeld);
  });
  const recording = await getRecordingById({ id: recordingId });
  if (recording?.status === "processing" && recording.finishedAt !== null) {
    await probeRecordingJob.send({ recordingId });
  }
}

/** Streams the chunks in order, checking each against its recorded SHA-256. */
async function* concatChunks(recordingId: number, chunks: { seq: number; sha256: string }[]): AsyncGenerator<Buffer> {
  const storage = getStorage();
  for (const c of chunks) {
    const hash = createHash("sha256");
    for await (const piece of await storage.read(storageKeys.chunk(recordingId, c.seq))) {
      hash.update(piece as Buffer);
      yield piece as Buffer;
    }
    if (hash.digest("hex") !== c.sha256) throw new Error(`chunk ${c.seq} no longer matches its SHA-256`);
  }
}

function listSeqs(seqs: number[], max = 10): string {
  return seqs.length > max ? `${seqs.slice(0, max).join(", ")} … (${seqs.length} in all)` : seqs.join(", ");
}

async function assemble(recording: RecordingFacts, stillHeld: () => Promise<void>): Promise<void> {
  const expectedChunks = recording.expectedChunks ?? 0;
  const chunks = await listChunks({ recordingId: recording.id });
  const have = new Set(chunks.map((c) => c.seq));
  const missing: number[] = [];
  for (let seq = 0; seq < expectedChunks; seq++) if (!have.has(seq)) missing.push(seq);
  const extra = chunks.filter((c) => c.seq >= expectedChunks).map((c) => c.seq);
  const base = { chainHead: chainHead(chunks.map((c) => c.sha256)), finishedAt: new Date() };
  const incomplete = async (reason: string) => {
    await stillHeld();
    await saveAssemblyOutcome({ id: recording.id, values: { ...base, status: "incomplete", statusReason: reason } });
    console.warn(`[ingest] recording ${recording.id}: incomplete: ${reason}`);
  };
  if (missing.length > 0) {
    return incomplete(`Missing chunk${missing.length === 1 ? "" : "s"} ${listSeqs(missing)} of ${expectedChunks}.`);
  }
  if (extra.length > 0) {
    return incomplete(`Received chunk${extra.length === 1 ? "" : "s"} ${listSeqs(extra)} beyond the ${expectedChunks} announced.`);
  }
  const elsewhere = new Map<string, number>();
  for (const c of chunks) if (c.heldBy && c.heldBy !== env.NODE_NAME) elsewhere.set(c.heldBy, (elsewhere.get(c.heldBy) ?? 0) + 1);
  if (elsewhere.size > 0) {
    const reason = `Waiting for ${[...elsewhere].map(([node, n]) => `node ${node} to copy ${n} chunk${n === 1 ? "" : "s"}`).join(" and ")} to the shared store`;
    await stillHeld();
    await saveAssemblyWaiting({ id: recording.id, reason });
    console.log(`[ingest] recording ${recording.id}: ${reason.toLowerCase()}`);
    return;
  }
  const waitForStore = async (error: unknown) => {
    const reason = `Waiting for the shared store: ${describeStoreError(error)}`;
    await stillHeld();
    await saveAssemblyWaiting({ id: recording.id, reason });
    console.warn(`[ingest] recording ${recording.id}: ${reason}`);
  };

  const storage = getStorage();
  const mediaKey = storageKeys.media(recording.id);
  let written: { size: number; sha256: string };
  try {
    // An assembly killed midway left its partial file; this one holds the lock, so none is running.
    const discarded = await storage.discardUnfinished(mediaKey);
    if (discarded) console.log(`[ingest] recording ${recording.id}: removed ${discarded} unfinished assembly file(s)`);
    written = await storage.write(mediaKey, concatChunks(recording.id, chunks));
  } catch (error) {
    if (isStoreError(error)) return waitForStore(error);
    return incomplete(`The chunks could not be assembled: ${(error as Error).message}.`);
  }
  if (written.sha256 !== recording.expectedSha256) {
    await stillHeld();
    await storage.delete(mediaKey).catch((error) => console.error(`[ingest] recording ${recording.id}: the mismatching media stays in storage`, error));
    return incomplete(`The SHA-256 of the assembled media (${written.sha256}) does not match the one the proxy sent (${recording.expectedSha256}).`);
  }
  await stillHeld();
  await saveAssemblyOutcome({
    id: recording.id,
    values: {
      ...base,
      status: "processing",
      statusReason: null,
      sizeBytes: written.size,
      // Assembling re-read and re-hashed every chunk: the recording is verified as of now.
      integrityStatus: "verified",
      integrityCheckedAt: base.finishedAt,
      integrityFirstBadChunk: null,
      integrityDetail: `${chunks.length} chunks and the whole media match at finish.`,
    },
  });
}
