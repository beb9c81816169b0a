import { count } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { remoteSessions } from "@/lib/db/schema";

/** Loads the demo data when the database has no sessions yet. */
export async function seedDemoIfEmpty(): Promise<void> {
  const [row] = await db.select({ n: count() }).from(remoteSessions);
  if ((row?.n ?? 0) > 0) return;
  const { seedDemo } = await import("./sessions");
  await seedDemo();
}
