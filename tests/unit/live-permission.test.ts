import { describe, expect, it } from "vitest";
import { describeLiveCommand, LIVE_COMMAND_KINDS, liveCommandNeedsText, mayControlLiveSessions } from "@/lib/domain/live";
import { ROLES } from "@/lib/domain/roles";

describe("who may control live sessions", () => {
  it("admins always, auditors only with the parameter, users never", () => {
    const table = ROLES.flatMap((role) => [false, true].map((on) => `${role}/${on ? "on" : "off"}: ${mayControlLiveSessions(role, on)}`));
    expect(table).toEqual(["admin/off: true", "admin/on: true", "auditor/off: false", "auditor/on: true", "user/off: false", "user/on: false"]);
  });
  it("asks a reason for terminate and lock, a text for a message, nothing for unlock", () => {
    expect(LIVE_COMMAND_KINDS.filter(liveCommandNeedsText)).toEqual(["terminate", "lock", "message"]);
  });
});

describe("how a command reads", () => {
  const base = { text: "reason", issuedByName: "Ana", outcomeMessage: null, at: "14:03:11" } as const;
  it("says who, when and why once done", () => {
    expect(describeLiveCommand({ ...base, kind: "terminate", outcome: "done" })).toBe("Terminated by Ana at 14:03:11: reason");
    expect(describeLiveCommand({ ...base, kind: "unlock", text: null, outcome: "done" })).toBe("Input unlocked by Ana at 14:03:11");
  });
  it("says it is waiting, or what the proxy answered", () => {
    expect(describeLiveCommand({ ...base, kind: "lock", outcome: null })).toBe("Lock input by Ana at 14:03:11: reason (waiting for the proxy)");
    expect(describeLiveCommand({ ...base, kind: "lock", outcome: "refused", outcomeMessage: "not supported" })).toBe(
      "Lock input by Ana at 14:03:11: reason (refused by the proxy: not supported)",
    );
  });
});
