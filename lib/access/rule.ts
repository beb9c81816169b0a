/**
 * THE rule of who may have a session's video (play its stream, download its
 * file) once it is known that they may see the session at all
 * (sessionVisibleTo, lib/sessions/queries.ts): one pure function, so that
 * every path that lets bytes or views out — the player page, the HLS routes,
 * the downloads, any byte-serving path added later — decides the same way,
 * whatever loaded the facts (lib/access/index.ts for pages and actions, the
 * one-round-trip query of the HLS routes in lib/hls/queries.ts).
 */
import type { AccessPurpose } from "@/lib/domain/reviews";
import { parseParameter } from "@/lib/settings/parameters";

/** The current access window of one viewer for one session, when they have one. */
export type AccessWindow = {
  requestId: string;
  expiresAt: Date;
  /** Approved by an administrator (not as it was made, when no approval was required). */
  approvedByPerson: boolean;
};

/** What the rule needs to know, by kind of caller. */
export type AccessFacts =
  | {
      kind: "account";
      justificationRequired: boolean;
      approvalRequired: boolean;
      /** The window open now (starts ≤ now < expires), if any; the latest-ending one. */
      window: AccessWindow | null;
    }
  | {
      kind: "assessor";
      link: { id: string; sessionId: number; expiresAt: Date; revokedAt: Date | null; allowDownload: boolean };
    };

export type AccessRefusal =
  | "justification-required"
  | "approval-required"
  | "link-revoked"
  | "link-expired"
  | "download-not-allowed"
  /** An assessor's link is for another session: answered like a missing session (404). */
  | "other-session";

export type AccessDecision =
  | {
      allowed: true;
      /** The access request whose window allows this (an account under the justification rule), else null. */
      requestId: string | null;
      /** When this access ends (the window, or the link), or null when it does not end. */
      until: Date | null;
    }
  | { allowed: false; refusal: AccessRefusal; message: string; status: 403 | 404 };

export const ACCESS_MESSAGES: Record<AccessRefusal, string> = {
  "justification-required": "Give a reason to view this session's video first (open its player).",
  "approval-required": "Your request to view this session's video has not been approved (or its access window has ended).",
  "link-revoked": "This sharing link was revoked.",
  "link-expired": "This sharing link has expired.",
  "download-not-allowed": "This sharing link does not allow downloads.",
  "other-session": "Not found",
};

function refuse(refusal: AccessRefusal): AccessDecision {
  return { allowed: false, refusal, message: ACCESS_MESSAGES[refusal], status: refusal === "other-session" ? 404 : 403 };
}

/**
 * May this caller have this session's video for this purpose, now?
 * - An account: yes when no justification is required; else only inside an
 *   open access window (one approved by an administrator when approval is
 *   required: a window opened as it was asked, before approval was turned on,
 *   no longer counts).
 * - An assessor: only for the link's own session (else 404), while the link
 *   is neither revoked nor expired, and a download only when the link allows it.
 */
export function decideSessionAccess({
  facts,
  sessionId,
  purpose,
  now = new Date(),
}: {
  facts: AccessFacts;
  sessionId: number;
  purpose: AccessPurpose;
  now?: Date;
}): AccessDecision {
  if (facts.kind === "assessor") {
    const { link } = facts;
    if (link.sessionId !== sessionId) return refuse("other-session");
    if (link.revokedAt) return refuse("link-revoked");
    if (link.expiresAt.getTime() <= now.getTime()) return refuse("link-expired");
    if (purpose === "download" && !link.allowDownload) return refuse("download-not-allowed");
    return { allowed: true, requestId: null, until: link.expiresAt };
  }
  if (!facts.justificationRequired) return { allowed: true, requestId: null, until: null };
  const w = facts.window;
  if (!w || w.expiresAt.getTime() <= now.getTime()) return refuse(facts.approvalRequired ? "approval-required" : "justification-required");
  if (facts.approvalRequired && !w.approvedByPerson) return refuse("approval-required");
  return { allowed: true, requestId: w.requestId, until: w.expiresAt };
}

/**
 * The account facts from the raw values a query read: the two parameters as
 * stored (jsonb, or null when never saved: parsed with their defaults, as
 * getParameter does) and the open window.
 */
export function accountFacts(raw: {
  justification: unknown;
  approval: unknown;
  window: { requestId: string; expiresAt: Date | string; approvedByPerson: boolean } | null;
}): AccessFacts {
  return {
    kind: "account",
    justificationRequired: parseParameter("remote_session.require_justification", raw.justification ?? undefined),
    approvalRequired: parseParameter("remote_session.require_approval", raw.approval ?? undefined),
    window: raw.window ? { ...raw.window, expiresAt: new Date(raw.window.expiresAt) } : null,
  };
}
