import "server-only";
import { createHash, randomBytes, randomInt, timingSafeEqual } from "node:crypto";
import { cookies } from "next/headers";
import { cache } from "react";
import { recordAudit, recordRefusedAccess } from "@/lib/audit";
import type { Viewer } from "@/lib/auth/viewer";
import type { ShareLink } from "@/lib/db/schema";
import { SHARE_CODE, SHARE_MAX_DAYS } from "@/lib/domain/reviews";
import { sendEmail } from "@/lib/email";
import { appUrl } from "@/lib/email/export-ready";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { getSessionByHash } from "@/lib/sessions/queries";
import { getParameter } from "@/lib/settings/queries";
import { shareCodeEmail, shareLinkEmail } from "./emails";
import type { Assessor } from "./index";
import {
  consumeShareCode,
  countWrongShareCode,
  endShareSession,
  getShareLinkById,
  getShareLinkByTokenHash,
  getShareSessionByTokenHash,
  insertShareLink,
  listShareLinks,
  revokeShareLinkRow,
  storeShareCode,
} from "./queries";

/**
 * Sharing one session with an assessor who has no account. A link's secret
 * travels only in the email to its recipient (a hash is kept); opening it
 * sends a one-time code to the same address; the code opens a browser
 * session kept in its own cookie. That cookie is read by getAssessor alone:
 * getViewer, requireViewer and every account route ignore it, so a link
 * never passes for a signed-in account.
 */

/** The assessor's cookie: a random secret whose hash names a share_sessions row. */
export const ASSESSOR_COOKIE = "sv-assessor";
/** A confirmed browser stays open at most this long (and never past the link's expiry). */
const ASSESSOR_SESSION_HOURS = 12;
/** Between two codes of one link. */
const CODE_GAP_MS = 30_000;

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const codeHashOf = (linkId: string, code: string) => sha256(`${linkId}:${code}`);

/** A link's secret as it appears in its URL: 32 random bytes, base64url. */
const tokenPattern = /^[A-Za-z0-9_-]{43}$/;
export const isShareToken = (token: string) => tokenPattern.test(token);

export const shareUrl = (token: string) => `${appUrl()}/shared/${token}`;

/** The state of a link as its recipient sees it; never says more than "not valid" about an unknown one. */
export type ShareLinkState =
  | { state: "unknown" }
  | { state: "revoked"; at: Date; link: ShareLink; hash: string }
  | { state: "expired"; at: Date; link: ShareLink; hash: string }
  | { state: "open"; link: ShareLink; hash: string };

export function linkState(link: ShareLink, hash: string, now = new Date()): ShareLinkState {
  if (link.revokedAt) return { state: "revoked", at: link.revokedAt, link, hash };
  if (link.expiresAt.getTime() <= now.getTime()) return { state: "expired", at: link.expiresAt, link, hash };
  return { state: "open", link, hash };
}

/**
 * A use of a link that has ended (revoked or expired) is refused and goes to
 * the audit trail like any refused access, under the recipient's email with
 * the link (repeats within a minute are one entry: recordRefusedAccess).
 */
export async function recordEndedLinkUse({
  link,
  hash,
  reason,
  asked,
  ip,
}: {
  link: Pick<ShareLink, "id" | "recipientEmail">;
  hash: string;
  reason: "revoked" | "expired";
  asked: string;
  ip: string | null;
}): Promise<void> {
  await recordRefusedAccess({
    viewer: { id: null, email: link.recipientEmail },
    target: { type: "session", id: hash },
    asked,
    ip,
    details: { via: "share-link", shareLinkId: link.id, refusal: `link-${reason}` },
  });
}

export async function openShareLink({ token }: { token: string }): Promise<ShareLinkState> {
  if (!isShareToken(token)) return { state: "unknown" };
  const found = await getShareLinkByTokenHash({ tokenHash: sha256(token) });
  return found ? linkState(found.link, found.hash) : { state: "unknown" };
}

/** "j•••@example.com": enough for the recipient to recognise their address, not enough to learn someone's. */
export function maskEmail(email: string): string {
  const [local = "", domain = ""] = email.split("@");
  return `${local.slice(0, 1)}${"•".repeat(Math.max(2, Math.min(6, local.length - 1)))}@${domain}`;
}

/** Who may share a session: administrators, and auditors when the system parameter allows it. */
export async function maySessionBeShared(viewer: Viewer): Promise<boolean> {
  if (viewer.role === "admin") return true;
  if (viewer.role !== "auditor") return false;
  return getParameter({ key: "remote_session.auditors_may_share" });
}

/**
 * Creates a link for one session and emails it to its recipient. Returns the
 * link's URL too (the creator may copy it; the code still goes to the recipient).
 */
export async function createShareLink({
  viewer,
  hash,
  email,
  days,
  allowDownload,
  ip,
}: {
  viewer: Viewer;
  hash: string;
  email: string;
  days: number;
  allowDownload: boolean;
  ip: string | null;
}): Promise<{ link: ShareLink; url: string; emailed: boolean }> {
  if (!(await maySessionBeShared(viewer))) throw new AppError("You may not share sessions. An administrator can allow auditors to.", 403);
  const session = await getSessionByHash({ hash, viewer });
  if (!session) throw new AppError("Session not found.", 404);
  if (!Number.isInteger(days) || days < 1 || days > SHARE_MAX_DAYS) throw new AppError(`A link lasts 1 to ${SHARE_MAX_DAYS} days.`, 400, "days");
  const token = randomBytes(32).toString("base64url");
  const link = await insertShareLink({
    sessionId: session.id,
    createdBy: viewer.id,
    recipientEmail: email,
    allowDownload,
    tokenHash: sha256(token),
    expiresAt: new Date(Date.now() + days * 86_400_000),
  });
  const url = shareUrl(token);
  let emailed = true;
  try {
    await sendEmail(
      shareLinkEmail({ to: email, sharedBy: `${viewer.name} <${viewer.email}>`, url, expiresAt: link.expiresAt, allowDownload, session, linkId: link.id }),
    );
  } catch (error) {
    emailed = false;
    console.error(`[sharing] the link email to ${email} failed`, error);
  }
  await recordAudit({
    actor: viewer,
    action: "share.created",
    target: { type: "session", id: session.hash },
    ip,
    details: { shareLinkId: link.id, recipient: email, expiresAt: link.expiresAt.toISOString(), allowDownload, emailed },
  });
  return { link, url, emailed };
}

/** Revokes a link at once: its browsers stop on their next request. Administrators, or the link's creator. */
export async function revokeShareLink({ viewer, id, ip }: { viewer: Viewer; id: string; ip: string | null }): Promise<ShareLink> {
  const found = await getShareLinkById({ id });
  // The link's session must be visible to the viewer too (else it looks missing).
  if (!found || !(await getSessionByHash({ hash: found.hash, viewer }))) throw new AppError("Link not found.", 404);
  if (viewer.role !== "admin" && found.link.createdBy !== viewer.id) throw new AppError("Only an administrator or the link's creator can revoke it.", 403);
  const row = await revokeShareLinkRow({ id, by: viewer.id, at: new Date() });
  if (!row) throw new AppError("This link is already revoked.", 409);
  await recordAudit({
    actor: viewer,
    action: "share.revoked",
    target: { type: "session", id: found.hash },
    ip,
    details: { shareLinkId: id, recipient: found.link.recipientEmail },
  });
  return row;
}

export { listShareLinks };

async function openOrThrow(state: ShareLinkState, asked: string, ip: string | null): Promise<Extract<ShareLinkState, { state: "open" }>> {
  if (state.state === "unknown") throw new AppError("This link is not valid.", 404);
  if (state.state !== "open") await recordEndedLinkUse({ link: state.link, hash: state.hash, reason: state.state, asked, ip });
  if (state.state === "revoked") throw new AppError("This link was revoked.", 403);
  if (state.state === "expired") throw new AppError("This link has expired.", 403);
  return state;
}

/** Sends a fresh one-time code to the link's recipient (the previous one stops working). */
export async function sendShareCode({ token, ip }: { token: string; ip: string | null }): Promise<{ to: string }> {
  const { link, hash } = await openOrThrow(await openShareLink({ token }), "share code", ip);
  const code = String(randomInt(0, 10 ** SHARE_CODE.digits)).padStart(SHARE_CODE.digits, "0");
  const now = Date.now();
  const stored = await storeShareCode({
    id: link.id,
    codeHash: codeHashOf(link.id, code),
    expiresAt: new Date(now + SHARE_CODE.validMinutes * 60_000),
    maxPerLink: SHARE_CODE.maxPerLink,
    notBefore: new Date(now + SHARE_CODE.validMinutes * 60_000 - CODE_GAP_MS),
  });
  if (!stored) {
    throw new AppError(
      link.codesSent >= SHARE_CODE.maxPerLink
        ? "This link has sent all its codes. Ask the person who shared it for a new link."
        : "A code was sent less than 30 seconds ago: check your inbox, or wait a little.",
      429,
    );
  }
  try {
    await sendEmail(shareCodeEmail({ to: link.recipientEmail, code, validMinutes: SHARE_CODE.validMinutes }));
  } catch (error) {
    console.error(`[sharing] the code email to ${link.recipientEmail} failed`, error);
    throw new AppError("The code could not be emailed. Try again in a moment.", 503);
  }
  await recordAudit({
    actor: { id: null, email: link.recipientEmail },
    action: "share.code_sent",
    target: { type: "session", id: hash },
    ip,
    details: { shareLinkId: link.id },
  });
  return { to: maskEmail(link.recipientEmail) };
}

/**
 * Checks a one-time code. Right: the code is used up and a browser session
 * opens (its cookie secret is returned for the caller to set). Wrong: counted;
 * after SHARE_CODE.maxAttempts wrong tries the code is dead and a new one must be sent.
 */
export async function verifyShareCode({
  token,
  code,
  ip,
}: {
  token: string;
  code: string;
  ip: string | null;
}): Promise<{ cookie: string; expiresAt: Date; hash: string }> {
  const { link, hash } = await openOrThrow(await openShareLink({ token }), "share code check", ip);
  const who = { id: null, email: link.recipientEmail };
  if (!link.codeHash || !link.codeExpiresAt || link.codeExpiresAt.getTime() <= Date.now()) {
    throw new AppError("This code has expired or was never sent. Send a new one.", 400, "code");
  }
  if (link.codeAttempts >= SHARE_CODE.maxAttempts) throw new AppError("Too many wrong codes. Send a new one.", 429, "code");
  const given = Buffer.from(codeHashOf(link.id, code), "hex");
  const expected = Buffer.from(link.codeHash, "hex");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    const attempts = await countWrongShareCode({ id: link.id });
    await recordAudit({ actor: who, action: "share.code_failed", target: { type: "session", id: hash }, ip, details: { shareLinkId: link.id, attempts } });
    const left = SHARE_CODE.maxAttempts - attempts;
    throw new AppError(
      left > 0 ? `This code is not right (${left} ${left === 1 ? "try" : "tries"} left).` : "Too many wrong codes. Send a new one.",
      400,
      "code",
    );
  }
  const secret = randomBytes(32).toString("base64url");
  const expiresAt = new Date(Math.min(link.expiresAt.getTime(), Date.now() + ASSESSOR_SESSION_HOURS * 3_600_000));
  const ok = await consumeShareCode({ id: link.id, codeHash: link.codeHash, session: { tokenHash: sha256(secret), ip, expiresAt } });
  if (!ok) throw new AppError("This code has just been used or has expired. Send a new one.", 400, "code");
  await recordAudit({ actor: who, action: "share.opened", target: { type: "session", id: hash }, ip, details: { shareLinkId: link.id } });
  return { cookie: secret, expiresAt, hash };
}

/** Sets the assessor's cookie (HttpOnly; Secure when the app is served over HTTPS). */
export async function setAssessorCookie({ secret, expiresAt }: { secret: string; expiresAt: Date }) {
  (await cookies()).set(ASSESSOR_COOKIE, secret, {
    httpOnly: true,
    sameSite: "lax",
    secure: (env.NEXTAUTH_URL ?? "").startsWith("https:"),
    path: "/",
    expires: expiresAt,
  });
}

/** What the assessor's cookie names: an assessor, a link that ended (say so), or nothing. */
export type AssessorState =
  | { state: "none" }
  | { state: "ended"; reason: "revoked" | "expired"; at: Date; link: Pick<ShareLink, "id" | "recipientEmail">; hash: string }
  | { state: "open"; assessor: Assessor };

/** The assessor's browser session by its cookie's secret (no request context needed: the HLS and byte-serving paths use it too). */
export async function assessorFromSecret(secret: string | undefined, now = new Date()): Promise<AssessorState> {
  if (!secret || !isShareToken(secret)) return { state: "none" };
  const found = await getShareSessionByTokenHash({ tokenHash: sha256(secret) });
  if (!found) return { state: "none" };
  const { shareSession, link, hash } = found;
  if (link.revokedAt) return { state: "ended", reason: "revoked", at: link.revokedAt, link, hash };
  if (link.expiresAt.getTime() <= now.getTime()) return { state: "ended", reason: "expired", at: link.expiresAt, link, hash };
  if (shareSession.expiresAt.getTime() <= now.getTime()) return { state: "none" };
  return {
    state: "open",
    assessor: {
      kind: "assessor",
      shareSessionId: shareSession.id,
      linkId: link.id,
      sessionId: link.sessionId,
      hash,
      email: link.recipientEmail,
      allowDownload: link.allowDownload,
      expiresAt: link.expiresAt,
      revokedAt: link.revokedAt,
      createdBy: link.createdBy,
    },
  };
}

/** The hash under which an assessor's cookie secret is kept (share_sessions.token_hash). */
export const assessorSecretHash = (secret: string) => sha256(secret);

/** The assessor cookie's secret in this request, when it has the right shape (read, not checked). */
export async function readAssessorSecret(): Promise<string | null> {
  const secret = (await cookies()).get(ASSESSOR_COOKIE)?.value;
  return secret && isShareToken(secret) ? secret : null;
}

/** The assessor of this request (from their cookie), once per request. */
export const getAssessorState = cache(async (): Promise<AssessorState> => assessorFromSecret((await cookies()).get(ASSESSOR_COOKIE)?.value));

export async function getAssessor(): Promise<Assessor | null> {
  const state = await getAssessorState();
  return state.state === "open" ? state.assessor : null;
}

/** Ends the assessor's browser session and removes its cookie. */
export async function signOutAssessor() {
  const state = await getAssessorState();
  if (state.state === "open") await endShareSession({ id: state.assessor.shareSessionId });
  (await cookies()).delete(ASSESSOR_COOKIE);
}
