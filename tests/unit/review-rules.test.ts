import { describe, expect, it } from "vitest";
import { accountFacts, decideSessionAccess, type AccessFacts } from "@/lib/access/rule";
import { parseSessionListQuery, sessionListHref, toSessionFilter } from "@/lib/sessions/filters";

const now = new Date("2026-05-01T12:00:00Z");
const minutes = (n: number) => new Date(now.getTime() + n * 60_000);
const account = (over: Partial<Extract<AccessFacts, { kind: "account" }>> = {}): AccessFacts => ({
  kind: "account",
  justificationRequired: true,
  approvalRequired: false,
  window: null,
  ...over,
});

describe("the access rule", () => {
  it("lets an account watch when no justification is required, with no end", () => {
    expect(decideSessionAccess({ facts: account({ justificationRequired: false }), sessionId: 1, purpose: "download", now })).toEqual({
      allowed: true,
      requestId: null,
      until: null,
    });
  });

  it("needs an open window when a justification is required, and says until when", () => {
    expect(decideSessionAccess({ facts: account(), sessionId: 1, purpose: "play", now })).toMatchObject({
      allowed: false,
      refusal: "justification-required",
      status: 403,
    });
    const open = account({ window: { requestId: "r1", expiresAt: minutes(5), approvedByPerson: false } });
    expect(decideSessionAccess({ facts: open, sessionId: 1, purpose: "play", now })).toEqual({ allowed: true, requestId: "r1", until: minutes(5) });
    // The end is exclusive.
    expect(decideSessionAccess({ facts: open, sessionId: 1, purpose: "play", now: minutes(5) })).toMatchObject({ allowed: false });
  });

  it("with approval required, only a window an administrator approved counts", () => {
    const self = account({ approvalRequired: true, window: { requestId: "r1", expiresAt: minutes(5), approvedByPerson: false } });
    expect(decideSessionAccess({ facts: self, sessionId: 1, purpose: "play", now })).toMatchObject({ allowed: false, refusal: "approval-required" });
    const approved = account({ approvalRequired: true, window: { requestId: "r2", expiresAt: minutes(5), approvedByPerson: true } });
    expect(decideSessionAccess({ facts: approved, sessionId: 1, purpose: "play", now })).toMatchObject({ allowed: true, requestId: "r2" });
  });

  it("lets an assessor have their link's session only, while the link lives, and downloads only when it allows them", () => {
    const link = { id: "l1", sessionId: 7, expiresAt: minutes(60), revokedAt: null, allowDownload: false };
    const facts: AccessFacts = { kind: "assessor", link };
    expect(decideSessionAccess({ facts, sessionId: 7, purpose: "play", now })).toEqual({ allowed: true, requestId: null, until: minutes(60) });
    expect(decideSessionAccess({ facts, sessionId: 8, purpose: "play", now })).toMatchObject({ allowed: false, refusal: "other-session", status: 404 });
    expect(decideSessionAccess({ facts, sessionId: 7, purpose: "download", now })).toMatchObject({ allowed: false, refusal: "download-not-allowed" });
    expect(decideSessionAccess({ facts: { kind: "assessor", link: { ...link, revokedAt: now } }, sessionId: 7, purpose: "play", now })).toMatchObject({
      refusal: "link-revoked",
    });
    expect(decideSessionAccess({ facts, sessionId: 7, purpose: "play", now: minutes(60) })).toMatchObject({ refusal: "link-expired" });
  });

  it("reads the parameters as stored, with their defaults when never saved or unreadable", () => {
    expect(accountFacts({ justification: null, approval: null, window: null })).toMatchObject({ justificationRequired: false, approvalRequired: false });
    expect(accountFacts({ justification: true, approval: "yes", window: null })).toMatchObject({ justificationRequired: true, approvalRequired: false });
    const facts = accountFacts({
      justification: true,
      approval: true,
      window: { requestId: "r", expiresAt: "2026-05-01T12:05:00.000+00:00", approvedByPerson: true },
    });
    expect(facts).toMatchObject({ window: { expiresAt: minutes(5) } });
  });
});

describe("the list's review filters in the URL", () => {
  it("reads review and verdict, writes them back, and turns them into the query's filter", () => {
    const { query, errors } = parseSessionListQuery({ review: "reviewed", verdict: "incident" });
    expect(errors).toEqual([]);
    expect(query).toMatchObject({ review: "reviewed", verdict: "incident" });
    expect(sessionListHref(query)).toBe("/sessions?review=reviewed&verdict=incident");
    expect(toSessionFilter(query, "UTC")).toEqual({ review: "reviewed", verdict: "incident" });
  });

  it("explains unknown values and a verdict asked of sessions never reviewed", () => {
    const bad = parseSessionListQuery({ review: "maybe", verdict: "guilty" });
    expect(bad.query).toEqual({ sort: "newest" });
    expect(bad.errors).toEqual([expect.stringContaining("Unknown review state"), expect.stringContaining("Unknown verdict")]);
    const conflict = parseSessionListQuery({ review: "unreviewed", verdict: "incident" });
    expect(conflict.query).toMatchObject({ review: "unreviewed" });
    expect(conflict.query.verdict).toBeUndefined();
    expect(conflict.errors).toEqual(["A verdict belongs to reviewed sessions: the verdict was ignored."]);
  });
});
