import "server-only";
import { insertAuditEntry, type AuditWriter } from "@/lib/audit/queries";
import { verifyAuditChain, type AuditChainReport } from "./chain";

export type { AuditChainReport } from "./chain";

/** The actions written to the audit trail. New capabilities add theirs here. */
export const AUDIT_ACTIONS = [
  "auth.sign_in",
  "auth.sign_in_failed",
  "auth.sign_in_locked",
  "auth.sign_out",
  "session.report_viewed",
  "session.played",
  "session.streamed",
  "session.access_refused",
  "session.token_moved",
  "session.downloaded",
  "commands.searched",
  "export.requested",
  "export.cancelled",
  "parameter.changed",
  "user.created",
  "user.role_changed",
  "user.password_reset",
  "user.disabled",
  "user.enabled",
  "token.created",
  "token.revoked",
  "recording.verified",
  "rule.changed",
  "audit.verified",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export type AuditActor = { id: string; email: string } | null;

export async function recordAudit(input: {
  actor: AuditActor;
  action: AuditAction;
  target?: { type: string; id: string };
  ip?: string | null;
  details?: Record<string, unknown>;
}, writer?: AuditWriter): Promise<void> {
  await insertAuditEntry({
    actorId: input.actor?.id ?? null,
    actorEmail: input.actor?.email ?? null,
    action: input.action,
    targetType: input.target?.type ?? null,
    targetId: input.target?.id ?? null,
    ip: input.ip ?? null,
    details: input.details ?? null,
  }, writer);
}

/**
 * Checks the audit trail's hash chain (lib/audit/chain.ts) and writes the
 * outcome to the trail itself: who checked, when, how many rows, the head's
 * hash (worth noting down elsewhere: a later check must find it again), and
 * where the chain breaks when it does.
 */
export async function verifyAuditTrail({ actor, ip, via }: { actor: AuditActor; ip?: string | null; via: "page" | "cli" }): Promise<AuditChainReport> {
  const report = await verifyAuditChain();
  await recordAudit({
    actor,
    action: "audit.verified",
    target: { type: "audit_log", id: String(report.headSeq) },
    ip,
    details: {
      via,
      ok: report.ok,
      rows: report.rows,
      headSeq: report.headSeq,
      headHash: report.headHash,
      ...(report.ok ? {} : { brokenAt: report.brokenAt }),
    },
  });
  return report;
}
