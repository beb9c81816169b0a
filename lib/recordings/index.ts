import "server-only";
import { recordAudit, type AuditActor } from "@/lib/audit";
import { AppError } from "@/lib/errors";
import { verifyRecordingsJob } from "@/lib/jobs/verify-recordings";
import { getRecordingBySession } from "./queries";
import { verifyRecording, type VerificationResult } from "./verify";

/**
 * Recordings: the media of a session as received (numbered chunks, their
 * hash chain, the assembled file), what ffprobe found in it, and the
 * integrity checks an administrator runs. Ingestion (lib/ingest) writes them;
 * the player, the exports and the report read them.
 */

export { onRecordingReady } from "./ready";
export type { RecordingFacts } from "./queries";

/** Verifies one session's recording now (streaming) and audits the outcome. */
export async function verifySessionRecording({
  actor,
  ip,
  sessionId,
}: {
  actor: AuditActor;
  ip: string | null;
  sessionId: number;
}): Promise<VerificationResult> {
  const recording = await getRecordingBySession({ sessionId });
  if (!recording) throw new AppError("This session has no recording to verify.");
  const result = await verifyRecording({ recordingId: recording.id });
  await recordAudit({
    actor,
    action: "recording.verified",
    target: { type: "session", id: String(sessionId) },
    ip,
    details: { recordingId: recording.id, status: result.status, firstBadChunk: result.firstBadChunk },
  });
  return result;
}

/** Queues the verification of every recording in the background. */
export async function queueVerifyAll({ actor, ip }: { actor: AuditActor; ip: string | null }): Promise<void> {
  await verifyRecordingsJob.send({});
  await recordAudit({ actor, action: "recording.verified", target: { type: "recordings", id: "all" }, ip, details: { scope: "all", queued: true } });
}
