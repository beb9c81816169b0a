import "server-only";
import { createHash } from "node:crypto";
import { env } from "@/lib/env";
import { getStorage, storageKeys } from "@/lib/storage";
import { CHAIN_START, chainHead, chainLink } from "./chain";
import { getRecordingById, listChunks, saveIntegrity, type RecordingFacts } from "./queries";
import type { RecordingChunk } from "@/lib/db/schema";

export type VerificationResult = {
  recordingId: number;
  /** pending: chunks are still held on another node's disk; nothing was stored. */
  status: "verified" | "mismatch" | "pending";
  firstBadChunk: number | null;
  detail: string;
  checkedAt: Date;
};

async function hashObject(key: string): Promise<{ sha256: string; size: number } | null> {
  const storage = getStorage();
  if (!(await storage.stat(key))) return null;
  const hash = createHash("sha256");
  let size = 0;
  for await (const piece of await storage.read(key)) {
    hash.update(piece as Buffer);
    size += (piece as Buffer).length;
  }
  return { sha256: hash.digest("hex"), size };
}

/**
 * Re-reads every chunk of a recording (streaming: memory stays flat), compares
 * each with its recorded SHA-256, recomputes the hash chain, looks for chunk
 * files that should not be there, and re-hashes the assembled media. Stores
 * the outcome on the recording. In a cluster, a recording with chunks still
 * held on another node's disk is not judged ("pending"): those bytes are
 * not readable here yet, which says nothing about their integrity.
 */
export async function verifyRecording({ recordingId }: { recordingId: number }): Promise<VerificationResult> {
  const recording = await getRecordingById({ id: recordingId });
  if (!recording) throw new Error(`recording ${recordingId} not found`);
  const storage = getStorage();
  const chunks = await listChunks({ recordingId });
  if (recording.deletedAt) return verifyTombstone(recording, chunks);
  const elsewhere = chunks.filter((c) => c.heldBy !== null && c.heldBy !== env.NODE_NAME);
  if (elsewhere.length > 0) {
    const nodes = [...new Set(elsewhere.map((c) => c.heldBy))].join(", ");
    return {
      recordingId,
      status: "pending",
      firstBadChunk: null,
      detail: `${elsewhere.length} chunk${elsewhere.length === 1 ? " is" : "s are"} still on node ${nodes}, not yet in the shared store; verify again once synchronized.`,
      checkedAt: new Date(),
    };
  }
  const problems: string[] = [];
  let firstBad: number | null = null;
  const bad = (seq: number | null, message: string) => {
    if (seq !== null && (firstBad === null || seq < firstBad)) firstBad = seq;
    problems.push(message);
  };

  let head = CHAIN_START;
  let expectedSeq = 0;
  for (const chunk of chunks) {
    if (chunk.seq !== expectedSeq) bad(expectedSeq, `chunk ${expectedSeq} is not recorded`);
    expectedSeq = chunk.seq + 1;
    const actual = await hashObject(storageKeys.chunk(recordingId, chunk.seq));
    if (!actual) bad(chunk.seq, `chunk ${chunk.seq} is missing from storage`);
    else if (actual.sha256 !== chunk.sha256) bad(chunk.seq, `chunk ${chunk.seq} does not match its SHA-256`);
    else if (actual.size !== chunk.sizeBytes) bad(chunk.seq, `chunk ${chunk.seq} has ${actual.size} bytes, not ${chunk.sizeBytes}`);
    head = chainLink(head, chunk.sha256);
  }
  if (recording.expectedChunks !== null && expectedSeq < recording.expectedChunks) {
    bad(expectedSeq, `chunks ${expectedSeq}… of ${recording.expectedChunks} are not recorded`);
  }
  if (recording.chainHead && recording.chainHead !== head) {
    bad(null, "the hash chain over the recorded chunks does not match the chain head stored at finish");
  }

  const known = new Set(chunks.map((c) => storageKeys.chunk(recordingId, c.seq)));
  for await (const object of storage.list(storageKeys.chunksPrefix(recordingId))) {
    if (!known.has(object.key)) {
      const seq = Number(object.key.split("/").pop());
      bad(Number.isInteger(seq) ? seq : null, `an unrecorded chunk file is in storage (${object.key.split("/").pop()})`);
    }
  }

  // The assembled media exists once a recording is complete; it must still be the chunks' concatenation.
  if (recording.expectedSha256 && ["processing", "ready", "failed"].includes(recording.status)) {
    const media = await hashObject(storageKeys.media(recordingId));
    if (!media) bad(null, "the assembled media is missing from storage");
    else if (media.sha256 !== recording.expectedSha256) bad(null, "the assembled media does not match its SHA-256");
  }

  const checkedAt = new Date();
  const status = problems.length === 0 ? "verified" : "mismatch";
  const detail =
    problems.length === 0
      ? `${chunks.length} chunk${chunks.length === 1 ? "" : "s"}${recording.expectedSha256 ? " and the whole media" : ""} match.`
      : problems.slice(0, 5).join("; ") + (problems.length > 5 ? ` (and ${problems.length - 5} more)` : "");
  await saveIntegrity({ id: recordingId, status, checkedAt, firstBadChunk: firstBad, detail });
  return { recordingId, status, firstBadChunk: firstBad, detail, checkedAt };
}

/**
 * A deleted recording's proof of what existed: the chunks' SHA-256 kept
 * after deletion must still chain to the head recorded at finish and at
 * deletion (the deletion's audit entry, itself in the audit trail's chain,
 * carries the same head and media SHA-256), and no object may be left.
 */
async function verifyTombstone(recording: RecordingFacts, chunks: RecordingChunk[]): Promise<VerificationResult> {
  const problems: string[] = [];
  const head = chainHead(chunks.map((c) => c.sha256));
  if (recording.deletedChainHead && recording.deletedChainHead !== head) {
    problems.push("the kept chunk hashes do not chain to the head recorded at deletion");
  }
  if (recording.chainHead && recording.deletedChainHead && recording.chainHead !== recording.deletedChainHead) {
    problems.push("the chain head recorded at deletion is not the one stored at finish");
  }
  if (recording.purgedAt) {
    for await (const object of getStorage().list(storageKeys.recordingPrefix(recording.id))) {
      problems.push(`an object of the deleted recording is still in storage (${object.key})`);
      break;
    }
  }
  const checkedAt = new Date();
  const status = problems.length === 0 ? "verified" : "mismatch";
  const when = recording.deletedAt!.toISOString();
  const detail =
    problems.length === 0
      ? `Deleted on ${when}: the ${chunks.length} chunk hash${chunks.length === 1 ? "" : "es"} kept still chain to the head recorded at deletion.`
      : problems.join("; ");
  await saveIntegrity({ id: recording.id, status, checkedAt, firstBadChunk: null, detail });
  return { recordingId: recording.id, status, firstBadChunk: null, detail, checkedAt };
}
