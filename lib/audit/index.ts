import "server-only";
import { insertAuditEntry, type AuditWriter } from "@/lib/audit/queries";

/** The actions written to the audit trail. New capabilities add theirs here. */
export const AUDIT_ACTIONS = [
  "auth.sign_in",
  "auth.sign_in_failed",
  "auth.sign_in_locked",
  "auth.sign_out",
  "session.report_viewed",
  "session.played",
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
