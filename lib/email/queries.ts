import "server-only";
import { desc } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { emailOutbox, type NewEmailOutboxEntry } from "@/lib/db/schema";

/** SQL of the email log: every email sent or kept in the outbox. */

export async function insertOutboxEntry(entry: NewEmailOutboxEntry) {
  await db.insert(emailOutbox).values(entry);
}

export async function listOutbox({ limit = 100 }: { limit?: number } = {}) {
  return db.select().from(emailOutbox).orderBy(desc(emailOutbox.createdAt)).limit(limit);
}
