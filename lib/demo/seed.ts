import { ensureDemoAccounts } from "./accounts";
import { hasAnySession } from "./queries";

/**
 * On a database without sessions: creates the demo accounts (their passwords
 * printed once) and returns true, so that the caller sends the demo sessions
 * once the server is up (load.ts).
 */
export async function prepareDemoIfEmpty(): Promise<boolean> {
  if (await hasAnySession()) return false;
  await ensureDemoAccounts();
  return true;
}
