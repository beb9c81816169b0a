import { describe, expect, it } from "vitest";
import { decideThrottle, lockedMessage, THROTTLE } from "@/lib/auth/throttle";

const now = new Date("2026-11-28T12:00:00Z");
const base = { accountFailures: 0, ipFailures: 0, lastAccountFailure: null, lastIpFailure: null, now };

describe("sign-in throttling", () => {
  it("lets the first attempts through at once", () => {
    expect(decideThrottle(base)).toEqual({ kind: "allow", delayMs: 0 });
    expect(decideThrottle({ ...base, accountFailures: THROTTLE.accountSlowAfter - 1 })).toEqual({ kind: "allow", delayMs: 0 });
  });
  it("slows down growing failures, up to a cap", () => {
    const d1 = decideThrottle({ ...base, accountFailures: THROTTLE.accountSlowAfter });
    const d2 = decideThrottle({ ...base, accountFailures: THROTTLE.accountSlowAfter + 1 });
    expect(d1.kind === "allow" && d1.delayMs).toBe(500);
    expect(d2.kind === "allow" && d2.delayMs).toBe(1000);
    const capped = decideThrottle({ ...base, accountFailures: THROTTLE.accountLockAfter - 1 });
    expect(capped.kind === "allow" && capped.delayMs).toBeLessThanOrEqual(THROTTLE.maxDelayMs);
  });
  it("locks an account for a while after too many failures", () => {
    const last = new Date(now.getTime() - 60_000);
    const d = decideThrottle({ ...base, accountFailures: THROTTLE.accountLockAfter, lastAccountFailure: last });
    expect(d).toEqual({ kind: "locked", scope: "account", retryAfterSeconds: THROTTLE.lockMinutes * 60 - 60 });
    const later = decideThrottle({
      ...base,
      accountFailures: THROTTLE.accountLockAfter,
      lastAccountFailure: new Date(now.getTime() - THROTTLE.lockMinutes * 60_000 - 1),
    });
    expect(later.kind).toBe("allow");
  });
  it("locks an IP that fails across many accounts", () => {
    const d = decideThrottle({ ...base, ipFailures: THROTTLE.ipLockAfter, lastIpFailure: now });
    expect(d.kind === "locked" && d.scope).toBe("ip");
  });
  it("says how long the lock lasts", () => {
    expect(lockedMessage(61, "account")).toMatch(/locked; try again in 2 minutes/);
  });
});
