import "server-only";
import { and, desc, eq, isNull } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { apiTokens, type ApiToken, type NewApiToken } from "@/lib/db/schema";

/** SQL of the session proxies' API tokens. */

export async function insertApiToken(values: NewApiToken): Promise<ApiToken> {
  const [row] = await db.insert(apiTokens).values(values).returning();
  if (!row) throw new Error("insert returned no row");
  return row;
}

export async function listApiTokens(): Promise<ApiToken[]> {
  return db.select().from(apiTokens).orderBy(desc(apiTokens.createdAt));
}

export async function getApiTokenById({ id }: { id: string }): Promise<ApiToken | null> {
  const [row] = await db.select().from(apiTokens).where(eq(apiTokens.id, id)).limit(1);
  return row ?? null;
}

export async function getApiTokenByPrefix({ prefix }: { prefix: string }): Promise<ApiToken | null> {
  const [row] = await db.select().from(apiTokens).where(eq(apiTokens.prefix, prefix)).limit(1);
  return row ?? null;
}

/** Revokes a token that is not revoked yet; null when there is no such token. */
export async function revokeApiTokenRow({ id }: { id: string }): Promise<ApiToken | null> {
  const [row] = await db
    .update(apiTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt)))
    .returning();
  return row ?? null;
}

export async function touchApiToken({ id }: { id: string }) {
  await db.update(apiTokens).set({ lastUsedAt: new Date() }).where(eq(apiTokens.id, id));
}
