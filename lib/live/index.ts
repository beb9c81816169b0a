import "server-only";
import { recordAudit } from "@/lib/audit";
import type { Viewer } from "@/lib/auth/viewer";
import type { LiveCommand, RemoteSession } from "@/lib/db/schema";
import {
  LIVE_COMMAND_LABELS,
  liveCommandNeedsText,
  mayControlLiveSessions,
  type LiveCommandKind,
  type LiveCommandView,
  type LiveControlState,
} from "@/lib/domain/live";
import { AppError } from "@/lib/errors";
import { getSessionByHash } from "@/lib/sessions/queries";
import { getParameter } from "@/lib/settings/queries";
import { insertLiveCommand, listLiveCommands } from "./queries";

export { listActiveSessions, listLiveCommands } from "./queries";

/**
 * Live control, the auditors' side: commands to the proxy that records a
 * session (terminate, lock, unlock, message). The proxy's side, the command
 * channel, is in lib/ingest/commands.ts; the two meet in the live_commands
 * table and PostgreSQL's NOTIFY (channel.ts).
 */

/** Whether this viewer may control live sessions now: admins always, auditors while the system parameter is on. */
export async function canControlLiveSessions(viewer: Pick<Viewer, "role">): Promise<boolean> {
  if (viewer.role === "admin") return true;
  if (viewer.role !== "auditor") return false;
  return mayControlLiveSessions(viewer.role, await getParameter({ key: "remote_session.auditors_control_live" }));
}

export const NOT_ALLOWED = "You may not control live sessions. An administrator can allow auditors under Settings › System parameters › Remote session.";

/**
 * Issues a command for the session `hash` as `viewer` and writes it to the
 * audit trail (who, when, what, the reason) in the same transaction. The
 * permission is checked here, whatever called it: a refused call changes
 * nothing. Only an active session that a proxy token records can take one.
 */
export async function issueLiveCommand({
  viewer,
  ip,
  hash,
  kind,
  text,
}: {
  viewer: Viewer;
  ip?: string | null;
  hash: string;
  kind: LiveCommandKind;
  text?: string | null;
}): Promise<LiveCommand> {
  if (!(await canControlLiveSessions(viewer))) throw new AppError(NOT_ALLOWED, 403);
  const session = await getSessionByHash({ hash, viewer });
  if (!session) throw new AppError("This session does not exist or you may not see it.", 404);
  const body = text?.trim() || null;
  if (liveCommandNeedsText(kind) && !body) {
    throw new AppError(kind === "message" ? "Write the message to send." : "Give a reason: it is kept in the audit trail.", 422, "text");
  }
  return issueFor({ viewer, ip, session, kind, text: liveCommandNeedsText(kind) ? body : null });
}

async function issueFor({
  viewer,
  ip,
  session,
  kind,
  text,
}: {
  viewer: Viewer;
  ip?: string | null;
  session: RemoteSession;
  kind: LiveCommandKind;
  text: string | null;
}): Promise<LiveCommand> {
  if (session.status !== "active") throw new AppError("The session has ended: there is nothing to control any more.", 409);
  if (!session.apiTokenId) throw new AppError("No proxy is bound to this session: it cannot take commands.", 409);
  return insertLiveCommand({
    values: { sessionId: session.id, kind, text, issuedBy: viewer.id, issuedByName: viewer.name || viewer.email },
    tokenId: session.apiTokenId,
    inTx: (tx, command) =>
      recordAudit(
        {
          actor: viewer,
          action: "live.command_issued",
          target: { type: "session", id: session.hash },
          ip,
          details: { commandId: command.id, kind, label: LIVE_COMMAND_LABELS[kind], ...(kind === "message" ? { message: text } : { reason: text }) },
        },
        tx,
      ),
  });
}

export async function liveCommandViews({ sessionId }: { sessionId: number }): Promise<LiveCommandView[]> {
  return (await listLiveCommands({ sessionId })).map((c) => ({
    id: c.id,
    kind: c.kind,
    text: c.text,
    issuedByName: c.issuedByName,
    outcome: c.outcome,
    outcomeMessage: c.outcomeMessage,
    issuedAt: c.issuedAt.toISOString(),
    answeredAt: c.answeredAt?.toISOString() ?? null,
    acknowledged: c.acknowledgedAt !== null,
  }));
}

/** The live controls' first state, as the page renders them (GET /api/sessions/[hash]/live-commands follows it). */
export async function liveControlState({ session, viewer }: { session: RemoteSession; viewer: Pick<Viewer, "role"> }): Promise<LiveControlState> {
  const [commands, canControl] = await Promise.all([liveCommandViews({ sessionId: session.id }), canControlLiveSessions(viewer)]);
  return { status: session.status, endedAt: session.endedAt?.toISOString() ?? null, errorMessage: session.errorMessage, canControl, commands };
}
