import { count } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { remoteSessions } from "@/lib/db/schema";
import { ensureDemoAccounts } from "./accounts";

/**
 * On a database without sessions: creates the demo accounts (their passwords
 * printed once) and returns true, so that the caller sends the demo sessions
 * once the server is up (load.ts).
 */
export async function prepareDemoIfEmpty(): Promise<boolean> {
  const [row] = await db.select({ n: count() }).from(remoteSessions);
  if ((row?.n ?? 0) > 0) return false;
  await ensureDemoAccounts();
  return true;
}
