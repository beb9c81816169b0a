import "server-only";
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { and, desc, eq, isNull } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { apiTokens, type ApiToken } from "@/lib/db/schema";

/**
 * API tokens for the session proxies: `svt_<prefix>_<secret>`. The prefix finds
 * the row; only a SHA-256 of the whole token is stored. The secret has 256 bits
 * of entropy, so a fast hash is enough (no password stretching needed).
 */
const TOKEN = /^svt_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

const digest = (token: string) => createHash("sha256").update(token).digest("hex");

export async function createApiToken({ name, createdBy }: { name: string; createdBy: string | null }) {
  const prefix = randomBytes(9).toString("base64url").toLowerCase().replace(/[^a-z0-9]/g, "0").slice(0, 12);
  const token = `svt_${prefix}_${randomBytes(32).toString("base64url")}`;
  const [row] = await db.insert(apiTokens).values({ name, prefix, secretHash: digest(token), createdBy }).returning();
  if (!row) throw new Error("insert returned no row");
  return { token, row };
}

export async function listApiTokens(): Promise<ApiToken[]> {
  return db.select().from(apiTokens).orderBy(desc(apiTokens.createdAt));
}

export async function revokeApiToken({ id }: { id: string }): Promise<ApiToken | null> {
  const [row] = await db
    .update(apiTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt)))
    .returning();
  return row ?? null;
}

/** The token of a request's `Authorization: Bearer …` header, when valid and not revoked. */
export async function authenticateApiToken(request: Request): Promise<ApiToken | null> {
  const header = request.headers.get("authorization") ?? "";
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  const parts = match?.[1] ? TOKEN.exec(match[1]) : null;
  if (!match?.[1] || !parts?.[1]) return null;
  const [row] = await db.select().from(apiTokens).where(eq(apiTokens.prefix, parts[1])).limit(1);
  if (!row || row.revokedAt) return null;
  const a = Buffer.from(row.secretHash, "hex");
  const b = Buffer.from(digest(match[1]), "hex");
  if (a.length !== b.length || !timingSafeEqual(a, b)) return null;
  // Coarse last-used time: at most one write a minute per token.
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > 60_000) {
    await db.update(apiTokens).set({ lastUsedAt: new Date() }).where(eq(apiTokens.id, row.id));
  }
  return row;
}
