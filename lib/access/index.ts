import "server-only";
import { recordAudit, type AuditWho } from "@/lib/audit";
import type { Viewer } from "@/lib/auth/viewer";
import type { AccessRequest, RemoteSession } from "@/lib/db/schema";
import type { AccessPurpose } from "@/lib/domain/reviews";
import { sendEmail } from "@/lib/email";
import { AppError } from "@/lib/errors";
import { getSessionByHash } from "@/lib/sessions/queries";
import { getParameter, getParameters } from "@/lib/settings/queries";
import { accessDecidedEmail, accessRequestedEmail } from "./emails";
import {
  decideAccessRequestRow,
  getAccessRequestById,
  getAccountAccessFacts,
  getLatestAccessRequest,
  getPendingAccessRequest,
  insertAccessRequest,
  listAdminRecipients,
} from "./queries";
import { accountFacts, decideSessionAccess, type AccessDecision, type AccessFacts } from "./rule";

/**
 * Access to a session's video: who may play and download it, beyond seeing
 * the session. The rule is `decideSessionAccess` (./rule.ts); this module
 * loads its facts for a caller and keeps the requests that open access
 * windows (justification, approval). Every path that serves a session's
 * video calls `checkSessionAccess` or, in one query of its own, the same rule.
 */

export { decideSessionAccess, accountFacts, ACCESS_MESSAGES } from "./rule";
export type { AccessDecision, AccessFacts, AccessRefusal, AccessWindow } from "./rule";

/**
 * An assessor: someone without an account who opened a sharing link and
 * confirmed it with the one-time code sent to its recipient. Never a Viewer:
 * nothing that asks for a signed-in account accepts one.
 */
export type Assessor = {
  kind: "assessor";
  shareSessionId: string;
  linkId: string;
  sessionId: number;
  hash: string;
  email: string;
  allowDownload: boolean;
  expiresAt: Date;
  revokedAt: Date | null;
  /** Who made the link (the account an assessor's video conversion is made in the name of). */
  createdBy: string;
};

/** Who is asking for a session's video: a signed-in account, or an assessor of a sharing link. */
export type Watcher = { kind: "account"; viewer: Viewer } | Assessor;

/** How the audit trail names a watcher: the account, or the assessor's email (the link goes in the details). */
export function watcherActor(watcher: Watcher): AuditWho {
  return watcher.kind === "account" ? watcher.viewer : { id: null, email: watcher.email };
}

/** Details every audit entry of an assessor carries, so that the trail tells which link was used. */
export function watcherDetails(watcher: Watcher): Record<string, unknown> | undefined {
  return watcher.kind === "assessor" ? { via: "share-link", shareLinkId: watcher.linkId } : undefined;
}

/** The facts of the rule for this watcher and session (one query for an account; the assessor carries theirs). */
export async function loadAccessFacts({ watcher, sessionId, now = new Date() }: { watcher: Watcher; sessionId: number; now?: Date }): Promise<AccessFacts> {
  if (watcher.kind === "assessor") {
    return {
      kind: "assessor",
      link: {
        id: watcher.linkId,
        sessionId: watcher.sessionId,
        expiresAt: watcher.expiresAt,
        revokedAt: watcher.revokedAt,
        allowDownload: watcher.allowDownload,
      },
    };
  }
  return accountFacts(await getAccountAccessFacts({ userId: watcher.viewer.id, sessionId, now }));
}

/**
 * May this watcher have this session's video for this purpose now? The caller
 * has already found the session as this watcher may see it (an account:
 * sessionVisibleTo; an assessor: the link's session — another session is
 * refused here as "other-session", a 404).
 */
export async function checkSessionAccess({
  watcher,
  session,
  purpose,
  now = new Date(),
}: {
  watcher: Watcher;
  session: Pick<RemoteSession, "id">;
  purpose: AccessPurpose;
  now?: Date;
}): Promise<AccessDecision> {
  const facts = await loadAccessFacts({ watcher, sessionId: session.id, now });
  return decideSessionAccess({ facts, sessionId: session.id, purpose, now });
}

/** checkSessionAccess for routes and actions: a refusal becomes its AppError (403, or 404 for another session). */
export async function requireSessionAccess(input: Parameters<typeof checkSessionAccess>[0]): Promise<Extract<AccessDecision, { allowed: true }>> {
  const decision = await checkSessionAccess(input);
  if (!decision.allowed) throw new AppError(decision.message, decision.status);
  return decision;
}

/**
 * Writes the use of an access window to the audit trail (what the page or
 * route served under it). Nothing when no window was needed.
 */
export async function recordAccessUse({
  watcher,
  session,
  decision,
  purpose,
  ip,
}: {
  watcher: Watcher;
  session: Pick<RemoteSession, "hash">;
  decision: AccessDecision;
  purpose: AccessPurpose;
  ip: string | null;
}) {
  if (!decision.allowed || !decision.requestId) return;
  await recordAudit({
    actor: watcherActor(watcher),
    action: "access.used",
    target: { type: "session", id: session.hash },
    ip,
    details: { requestId: decision.requestId, purpose, until: decision.until?.toISOString() ?? null },
  });
}

// ─── Requests: justification and approval ────────────────────────────────────

/** What a viewer's access to a session is now, for the report and the player. */
export type ViewerAccess = {
  justificationRequired: boolean;
  approvalRequired: boolean;
  decision: AccessDecision;
  /** The viewer's latest request for this session, whatever its state. */
  latest: AccessRequest | null;
};

export async function getViewerAccess({ viewer, session }: { viewer: Viewer; session: Pick<RemoteSession, "id"> }): Promise<ViewerAccess> {
  const now = new Date();
  const [facts, latest] = await Promise.all([
    loadAccessFacts({ watcher: { kind: "account", viewer }, sessionId: session.id, now }),
    getLatestAccessRequest({ userId: viewer.id, sessionId: session.id }),
  ]);
  const decision = decideSessionAccess({ facts, sessionId: session.id, purpose: "play", now });
  const kind = facts.kind === "account" ? facts : null;
  return { justificationRequired: kind?.justificationRequired ?? false, approvalRequired: kind?.approvalRequired ?? false, decision, latest };
}

async function accessParameters() {
  const [justification, approval, windowMinutes] = await getParameters({
    keys: ["remote_session.require_justification", "remote_session.require_approval", "remote_session.access_window_minutes"],
  });
  return { justification: justification!.value === true, approval: approval!.value === true, windowMinutes: Number(windowMinutes!.value) };
}

/** Sends an email and says whether it went out; a failure is logged, never fails the request it tells of. */
async function tryEmail(email: Parameters<typeof sendEmail>[0]): Promise<boolean> {
  try {
    await sendEmail(email);
    return true;
  } catch (error) {
    console.error(`[access] email "${email.subject}" to ${email.to} failed`, error);
    return false;
  }
}

/**
 * A viewer gives a reason (and maybe a ticket) to view a session's video.
 * Without approval the window opens at once; with approval the request waits
 * and every administrator is emailed. One pending request per viewer and
 * session; asking while a window is open returns that window.
 */
export async function requestAccess({
  viewer,
  hash,
  reason,
  ticket,
  ip,
}: {
  viewer: Viewer;
  hash: string;
  reason: string;
  ticket: string | null;
  ip: string | null;
}): Promise<{ request: AccessRequest; session: RemoteSession; approved: boolean }> {
  const session = await getSessionByHash({ hash, viewer });
  if (!session) throw new AppError("Session not found.", 404);
  const params = await accessParameters();
  if (!params.justification) throw new AppError("No justification is needed to view this session: reload the page.", 409);
  const current = await checkSessionAccess({ watcher: { kind: "account", viewer }, session, purpose: "play" });
  if (current.allowed && current.requestId) {
    // The request whose window is open (not merely the latest one, which may be waiting or denied).
    const open = await getAccessRequestById({ id: current.requestId });
    if (open) return { request: open.request, session, approved: true };
  }
  // One waiting request at a time; once approval is off, a request left waiting no longer stands in the way.
  if (params.approval && (await getPendingAccessRequest({ userId: viewer.id, sessionId: session.id }))) {
    throw new AppError("Your request for this session is already waiting for an administrator.", 409);
  }
  const now = new Date();
  const request = await insertAccessRequest(
    params.approval
      ? { sessionId: session.id, requesterId: viewer.id, reason, ticket, status: "pending" }
      : {
          sessionId: session.id,
          requesterId: viewer.id,
          reason,
          ticket,
          status: "approved",
          decidedAt: now,
          windowMinutes: params.windowMinutes,
          startsAt: now,
          expiresAt: new Date(now.getTime() + params.windowMinutes * 60_000),
        },
  );
  let notified = 0;
  if (params.approval) {
    for (const admin of await listAdminRecipients()) {
      if (admin.id === viewer.id) continue; // nobody approves their own request
      const sent = await tryEmail(
        accessRequestedEmail({ to: admin.email, requester: `${viewer.name} <${viewer.email}>`, reason, ticket, session, requestId: request.id }),
      );
      if (sent) notified++;
    }
  }
  await recordAudit({
    actor: viewer,
    action: "access.requested",
    target: { type: "session", id: session.hash },
    ip,
    details: {
      requestId: request.id,
      reason,
      ticket,
      approval: params.approval ? "required" : "not required",
      ...(params.approval ? { adminsEmailed: notified } : { until: request.expiresAt?.toISOString() }),
    },
  });
  return { request, session, approved: request.status === "approved" };
}

/**
 * An administrator approves or denies a pending request, with a comment
 * (required to deny). Approving opens the window now, for the current
 * window length. The requester is emailed; nobody decides their own request.
 */
export async function decideAccessRequest({
  admin,
  id,
  approve,
  comment,
  ip,
}: {
  admin: Viewer;
  id: string;
  approve: boolean;
  comment: string | null;
  ip: string | null;
}): Promise<AccessRequest> {
  if (admin.role !== "admin") throw new AppError("Only administrators decide access requests.", 403);
  const found = await getAccessRequestById({ id });
  if (!found) throw new AppError("Request not found.", 404);
  if (found.request.requesterId === admin.id) throw new AppError("You cannot decide your own request: another administrator must.", 403);
  if (found.request.status !== "pending") throw new AppError("This request has already been decided.", 409);
  if (!approve && !comment) throw new AppError("Say why the request is denied.", 400, "comment");
  const now = new Date();
  const windowMinutes = approve ? await getParameter({ key: "remote_session.access_window_minutes" }) : null;
  const row = await decideAccessRequestRow({
    id,
    set: approve
      ? {
          status: "approved",
          decidedBy: admin.id,
          decidedAt: now,
          decisionComment: comment,
          windowMinutes,
          startsAt: now,
          expiresAt: new Date(now.getTime() + windowMinutes! * 60_000),
        }
      : { status: "denied", decidedBy: admin.id, decidedAt: now, decisionComment: comment },
  });
  if (!row) throw new AppError("This request has already been decided.", 409);
  const emailed = await tryEmail(
    accessDecidedEmail({
      to: found.requesterEmail,
      approved: approve,
      decider: `${admin.name} <${admin.email}>`,
      comment,
      expiresAt: row.expiresAt,
      session: found.session,
      requestId: row.id,
    }),
  );
  await recordAudit({
    actor: admin,
    action: approve ? "access.approved" : "access.denied",
    target: { type: "session", id: found.session.hash },
    ip,
    details: {
      requestId: row.id,
      requester: found.requesterEmail,
      comment,
      ...(approve ? { until: row.expiresAt?.toISOString(), windowMinutes } : {}),
      requesterEmailed: emailed,
    },
  });
  return row;
}

export { listDecidedAccessRequests, listPendingAccessRequests } from "./queries";
