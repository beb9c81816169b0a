import "server-only";
import { and, eq, gte, lt, sql, type SQL } from "drizzle-orm";
import { db, type Db } from "@/lib/db/client";
import { escapeLike } from "@/lib/db/like";
import { auditLog, type AuditLogEntry, type NewAuditLogEntry } from "@/lib/db/schema";

/**
 * The database or an open transaction: passing the transaction of a change
 * writes its audit entry atomically with it (both or neither).
 */
export type AuditWriter = Pick<Db, "insert">;

export async function insertAuditEntry(entry: NewAuditLogEntry, writer: AuditWriter = db): Promise<void> {
  await writer.insert(auditLog).values(entry);
}

export type AuditFilter = {
  action?: string;
  /** Start of the actor's email, case-insensitive. */
  actor?: string;
  target?: string;
  /** Inclusive lower bound. */
  from?: Date;
  /** Exclusive upper bound. */
  to?: Date;
  /**
   * Keyset cursor: the id of the last row of the previous page. Its (at, id)
   * is read from the row itself, so microsecond timestamps compare exactly;
   * rows are never deleted, so the cursor stays valid.
   */
  beforeId?: number;
  limit?: number;
};


export async function listAuditEntries(filter: AuditFilter): Promise<AuditLogEntry[]> {
  const where: SQL[] = [];
  if (filter.action) where.push(eq(auditLog.action, filter.action));
  if (filter.actor) where.push(sql`lower(${auditLog.actorEmail}) like ${`${escapeLike(filter.actor.toLowerCase())}%`}`);
  if (filter.target) where.push(eq(auditLog.targetId, filter.target));
  if (filter.from) where.push(gte(auditLog.at, filter.from));
  if (filter.to) where.push(lt(auditLog.at, filter.to));
  if (filter.beforeId !== undefined) {
    where.push(
      sql`(${auditLog.at}, ${auditLog.id}) < (select c.at, c.id from ${auditLog} c where c.id = ${filter.beforeId})`,
    );
  }
  return db
    .select()
    .from(auditLog)
    .where(and(...where))
    // "nulls last" matches the index (drizzle creates DESC indexes as DESC NULLS LAST).
    .orderBy(sql`${auditLog.at} desc nulls last`, sql`${auditLog.id} desc nulls last`)
    .limit(filter.limit ?? 100);
}

export async function listAuditActions(): Promise<string[]> {
  const rows = await db.selectDistinct({ action: auditLog.action }).from(auditLog).orderBy(auditLog.action);
  return rows.map((r) => r.action);
}
