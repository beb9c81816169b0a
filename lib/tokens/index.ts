import "server-only";
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { recordAudit, type AuditActor } from "@/lib/audit";
import type { ApiToken } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { getApiTokenById, getApiTokenByPrefix, insertApiToken, listApiTokens, revokeApiTokenRow, touchApiToken } from "./queries";
import type { Viewer } from "@/lib/auth/viewer";
import { setSessionApiToken } from "@/lib/sessions/queries";

export { listApiTokens };

/**
 * API tokens for the session proxies: `svt_<prefix>_<secret>`. The prefix finds
 * the row; only a SHA-256 of the whole token is stored. The secret has 256 bits
 * of entropy, so a fast hash is enough (no password stretching needed).
 */
const TOKEN = /^svt_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

const digest = (token: string) => createHash("sha256").update(token).digest("hex");

/** A new token; its secret is returned once and never stored. */
export async function createApiToken({ name, createdBy }: { name: string; createdBy: string | null }) {
  const prefix = randomBytes(9)
    .toString("base64url")
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "0")
    .slice(0, 12);
  const token = `svt_${prefix}_${randomBytes(32).toString("base64url")}`;
  const row = await insertApiToken({ name, prefix, secretHash: digest(token), createdBy });
  return { token, row };
}

export async function revokeApiToken({ id }: { id: string }): Promise<ApiToken | null> {
  return revokeApiTokenRow({ id });
}

/** The token of a request's `Authorization: Bearer …` header, when valid and not revoked. */
export async function authenticateApiToken(request: Request): Promise<ApiToken | null> {
  const header = request.headers.get("authorization") ?? "";
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  const parts = match?.[1] ? TOKEN.exec(match[1]) : null;
  if (!match?.[1] || !parts?.[1]) return null;
  const row = await getApiTokenByPrefix({ prefix: parts[1] });
  if (!row || row.revokedAt) return null;
  const a = Buffer.from(row.secretHash, "hex");
  const b = Buffer.from(digest(match[1]), "hex");
  if (a.length !== b.length || !timingSafeEqual(a, b)) return null;
  // Coarse last-used time: at most one write a minute per token.
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > 60_000) await touchApiToken({ id: row.id });
  return row;
}

/** Administration of the tokens, each change audited. */
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

/**
 * An admin moves a session to another proxy's token: from now on only that
 * token may use the ingestion API on it (e.g. a session whose proxy was
 * replaced resumes from the new one). Audited with both tokens.
 */
export async function moveSessionToToken({ actor, ip, hash, tokenId }: { actor: Viewer; ip: string | null; hash: string; tokenId: string }) {
  if (actor.role !== "admin") throw new AppError("Only an administrator can move a session to another token.", 403);
  const token = await getApiTokenById({ id: tokenId });
  if (!token) throw new AppError("This token does not exist.", 404, "tokenId");
  if (token.revokedAt) throw new AppError("This token is revoked; choose an active one.", 409, "tokenId");
  const moved = await setSessionApiToken({ hash, tokenId, viewer: actor });
  if (!moved) throw new AppError("No session has this ID.", 404, "hash");
  await recordAudit({
    actor,
    action: "session.token_moved",
    target: { type: "session", id: hash },
    ip,
    details: { from: moved.previousTokenId, to: token.id, toName: token.name },
  });
  return { token, previousTokenId: moved.previousTokenId };
}
