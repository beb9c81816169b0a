import "server-only";
import { recordAudit, type AuditActor } from "@/lib/audit";
import { AppError } from "@/lib/errors";
import { createApiToken, revokeApiToken } from "@/lib/tokens";
import { verifyRecordings } from "@/lib/jobs/verify-recordings";
import { getRecordingBySession } from "./queries";
import { verifyRecording, type VerificationResult } from "./verify";

/** Administration of the ingestion side: API tokens and integrity checks, each audited. */

export async function createTokenAudited({ actor, ip, name }: { actor: AuditActor; ip: string | null; name: string }) {
  const { token, row } = await createApiToken({ name, createdBy: actor?.id ?? null });
  await recordAudit({ actor, action: "token.created", target: { type: "api_token", id: row.id }, ip, details: { name, prefix: row.prefix } });
  return { token, row };
}

export async function revokeTokenAudited({ actor, ip, id }: { actor: AuditActor; ip: string | null; id: string }) {
  const row = await revokeApiToken({ id });
  if (!row) throw new AppError("This token does not exist or is already revoked.");
  await recordAudit({ actor, action: "token.revoked", target: { type: "api_token", id: row.id }, ip, details: { name: row.name, prefix: row.prefix } });
  return row;
}

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
  await verifyRecordings.send({}, { singletonKey: "verify-recordings:all" });
  await recordAudit({ actor, action: "recording.verified", target: { type: "recordings", id: "all" }, ip, details: { scope: "all", queued: true } });
}
