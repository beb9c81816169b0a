import "server-only";
import { insertAuditEntries, insertAuditEntry, type AuditWriter } from "@/lib/audit/queries";
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
  "session.frame_saved",
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
  "live.command_issued",
  "live.command_answered",
  "retention.policy_changed",
  "session.hold_placed",
  "session.hold_released",
  "recording.deletion_requested",
  "recording.deletion_cancelled",
  "recording.deleted",
  "recording.purge_refused",
  "access.requested",
  "access.approved",
  "access.denied",
  "access.used",
  "session.reviewed",
  "note.added",
  "note.edited",
  "share.created",
  "share.revoked",
  "share.code_sent",
  "share.code_failed",
  "share.opened",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export type AuditActor = { id: string; email: string } | null;

/**
 * Who acted, as the trail records it: an account, nobody (a failed sign-in),
 * or an assessor of a sharing link, who has no account (their email only; the
 * link's id goes in the details).
 */
export type AuditWho = AuditActor | { id: null; email: string };

/** The actions that put a session's video (or its report) in front of someone: the report's "Who watched". */
export const WATCH_ACTIONS = ["session.report_viewed", "session.played", "session.downloaded"] as const satisfies readonly AuditAction[];

type AuditInput = {
  actor: AuditWho;
  action: AuditAction;
  target?: { type: string; id: string };
  ip?: string | null;
  details?: Record<string, unknown>;
};

const auditRow = (input: AuditInput) => ({
  actorId: input.actor?.id ?? null,
  actorEmail: input.actor?.email ?? null,
  action: input.action,
  targetType: input.target?.type ?? null,
  targetId: input.target?.id ?? null,
  ip: input.ip ?? null,
  details: input.details ?? null,
});

export async function recordAudit(input: AuditInput, writer?: AuditWriter): Promise<void> {
  await insertAuditEntry(auditRow(input), writer);
}

/** Many entries at once (a batch of the expiry job): one statement, each row chained in order. */
export async function recordAudits(inputs: AuditInput[], writer?: AuditWriter): Promise<void> {
  for (let i = 0; i < inputs.length; i += 1000) await insertAuditEntries(inputs.slice(i, i + 1000).map(auditRow), writer);
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

/** Refusals already written, by viewer and target, so a player retrying every few seconds writes one a minute. */
const refusedRecently = new Map<string, number>();
const REFUSAL_REPEAT_MS = 60_000;

/**
 * A signed-in viewer asked for a session (or an export) that does not exist
 * or that they may not see. They get the same 404 either way; the trail
 * keeps who probed what, so an auditor sees it.
 */
export async function recordRefusedAccess({
  viewer,
  target,
  asked,
  ip,
  details,
}: {
  /** An account, or an assessor of a sharing link (no id: their email, and the link in `details`). */
  viewer: { id: string; email: string } | { id: null; email: string };
  target: { type: "session" | "export"; id: string };
  /** What was asked for: "report", "player", "download page", "hls playlist"… */
  asked: string;
  ip?: string | null;
  details?: Record<string, unknown>;
}): Promise<void> {
  const key = `${viewer.id ?? `assessor:${viewer.email}`}:${target.type}:${target.id}:${asked}`;
  const now = Date.now();
  const last = refusedRecently.get(key);
  if (last !== undefined && now - last < REFUSAL_REPEAT_MS) return;
  refusedRecently.set(key, now);
  if (refusedRecently.size > 10_000) refusedRecently.delete(refusedRecently.keys().next().value!);
  await recordAudit({ actor: viewer, action: "session.access_refused", target, ip, details: { asked, ...details } });
}
