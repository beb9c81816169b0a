import { count } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { remoteSessions } from "@/lib/db/schema";

/**
 * Loads the demo accounts and sessions when the database has no sessions yet.
 * Returns whether it did, so that the caller also sends the demo recordings
 * once the server is up.
 */
export async function seedDemoIfEmpty(): Promise<boolean> {
  const [row] = await db.select({ n: count() }).from(remoteSessions);
  if ((row?.n ?? 0) > 0) return false;
  const { seedDemo } = await import("./sessions");
  await seedDemo();
  return true;
}
