/**
 * Sign-in throttling policy: pure functions over the recent failures, so the
 * rules are testable without a clock or a database.
 */
export const THROTTLE = {
  windowMinutes: 15,
  /** Failures on one account before each further attempt is slowed down. */
  accountSlowAfter: 3,
  /** Failures on one account that lock it for `lockMinutes` after the last one. */
  accountLockAfter: 8,
  /** Failures from one IP (any accounts) that lock that IP. */
  ipLockAfter: 30,
  lockMinutes: 15,
  maxDelayMs: 8000,
} as const;

export type ThrottleInput = {
  accountFailures: number;
  ipFailures: number;
  lastAccountFailure: Date | null;
  lastIpFailure: Date | null;
  now: Date;
};

export type ThrottleDecision = { kind: "allow"; delayMs: number } | { kind: "locked"; scope: "account" | "ip"; retryAfterSeconds: number };

export function decideThrottle(input: ThrottleInput): ThrottleDecision {
  const lockMs = THROTTLE.lockMinutes * 60_000;
  if (input.accountFailures >= THROTTLE.accountLockAfter && input.lastAccountFailure) {
    const until = input.lastAccountFailure.getTime() + lockMs;
    if (until > input.now.getTime()) {
      return { kind: "locked", scope: "account", retryAfterSeconds: Math.ceil((until - input.now.getTime()) / 1000) };
    }
  }
  if (input.ipFailures >= THROTTLE.ipLockAfter && input.lastIpFailure) {
    const until = input.lastIpFailure.getTime() + lockMs;
    if (until > input.now.getTime()) {
      return { kind: "locked", scope: "ip", retryAfterSeconds: Math.ceil((until - input.now.getTime()) / 1000) };
    }
  }
  const over = input.accountFailures - THROTTLE.accountSlowAfter;
  const delayMs = over < 0 ? 0 : Math.min(THROTTLE.maxDelayMs, 500 * 2 ** over);
  return { kind: "allow", delayMs };
}

export function lockedMessage(retryAfterSeconds: number, scope: "account" | "ip"): string {
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
  const what = scope === "account" ? "this account" : "your network address";
  return `Too many failed sign-ins for ${what}. Sign-in is locked; try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`;
}
