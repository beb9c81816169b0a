import "server-only";
import { and, desc, eq, gte, lt, lte, or, sql, type SQL } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { auditLog, type AuditLogEntry, type NewAuditLogEntry } from "@/lib/db/schema";

export async function insertAuditEntry(entry: NewAuditLogEntry): Promise<void> {
  await db.insert(auditLog).values(entry);
}

export type AuditFilter = {
  action?: string;
  actor?: string;
  target?: string;
  from?: Date;
  to?: Date;
  /** Keyset cursor: the (at, id) of the last row of the previous page. */
  before?: { at: Date; id: number };
  limit?: number;
};

export async function listAuditEntries(filter: AuditFilter): Promise<AuditLogEntry[]> {
  const where: SQL[] = [];
  if (filter.action) where.push(eq(auditLog.action, filter.action));
  if (filter.actor) where.push(sql`lower(${auditLog.actorEmail}) like ${filter.actor.toLowerCase() + "%"}`);
  if (filter.target) where.push(eq(auditLog.targetId, filter.target));
  if (filter.from) where.push(gte(auditLog.at, filter.from));
  if (filter.to) where.push(lte(auditLog.at, filter.to));
  if (filter.before) {
    const b = filter.before;
    const cond = or(lt(auditLog.at, b.at), and(eq(auditLog.at, b.at), lt(auditLog.id, b.id)));
    if (cond) where.push(cond);
  }
  return db
    .select()
    .from(auditLog)
    .where(and(...where))
    .orderBy(desc(auditLog.at), desc(auditLog.id))
    .limit(filter.limit ?? 100);
}

export async function listAuditActions(): Promise<string[]> {
  const rows = await db.selectDistinct({ action: auditLog.action }).from(auditLog).orderBy(auditLog.action);
  return rows.map((r) => r.action);
}
