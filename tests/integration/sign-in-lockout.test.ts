/**
 * Sign-in lockout holds against parallel guesses: the failure count is taken
 * and raised in one step before the password is checked, so 40 simultaneous
 * attempts count as 40 and no more than the lockout threshold are checked.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authOptions } from "@/lib/auth/options";
import { THROTTLE } from "@/lib/auth/throttle";
import { closeDb, useFreshDatabase } from "../support/db";
import { createTestUser } from "../support/users";

beforeAll(async () => {
  await useFreshDatabase();
});
afterAll(async () => {
  await closeDb();
});

type Authorize = (credentials: Record<string, string>, req: { headers: Record<string, string> }) => Promise<unknown>;
const authorize = (authOptions.providers[0] as unknown as { options: { authorize: Authorize } }).options.authorize;

async function attempt(email: string, password: string, ip = "") {
  try {
    await authorize({ email, password }, { headers: ip ? { "x-forwarded-for": ip } : {} });
    return "signed in";
  } catch (error) {
    const message = (error as Error).message;
    return /locked/i.test(message) ? "locked" : "refused";
  }
}

describe("sign-in lockout", () => {
  it("counts 40 parallel guesses as 40: no more than the threshold are checked, and the right password among them is locked out", async () => {
    const user = await createTestUser("auditor", { password: "the right password" });
    const outcomes = await Promise.all(Array.from({ length: 40 }, (_, i) => attempt(user.email, i === 29 ? "the right password" : `guess ${i}`)));
    const checked = outcomes.filter((o) => o !== "locked");
    expect(checked.length).toBeLessThanOrEqual(THROTTLE.accountLockAfter);
    expect(outcomes.filter((o) => o === "locked").length).toBeGreaterThanOrEqual(40 - THROTTLE.accountLockAfter);
    // The account stays locked for the right password too.
    expect(await attempt(user.email, "the right password")).toBe("locked");
  }, 60_000);
});
