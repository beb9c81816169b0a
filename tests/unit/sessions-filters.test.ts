import { describe, expect, it } from "vitest";
import {
  MAX_SEARCH_LENGTH,
  decodeCursor,
  encodeCursor,
  parseSessionListQuery,
  sessionListHref,
  startOfDay,
  toSessionFilter,
  type SessionCursor,
} from "@/lib/sessions/filters";
import { isSessionHash } from "@/lib/domain/sessions";

describe("parseSessionListQuery", () => {
  it("reads every filter from the URL", () => {
    const { query, errors } = parseSessionListQuery({
      q: "  db-01 ",
      type: "rdp",
      status: "failed",
      from: "2026-10-01",
      to: "2026-10-31",
      crit: "medium",
      sort: "risk",
      utm_source: "ignored",
    });
    expect(errors).toEqual([]);
    expect(query).toEqual({
      q: "db-01",
      type: "rdp",
      status: "failed",
      from: "2026-10-01",
      to: "2026-10-31",
      crit: "medium",
      sort: "risk",
    });
  });

  it("treats empty form fields as no filter", () => {
    expect(parseSessionListQuery({ q: "", type: "", status: " ", from: "", crit: "" })).toEqual({
      query: { sort: "newest" },
      errors: [],
    });
  });

  it("drops unknown and malformed values with a clear message each", () => {
    const { query, errors } = parseSessionListQuery({
      type: "carrier-pigeon",
      status: "ACTIVE'--",
      from: "2026-02-30",
      to: "yesterday",
      crit: "extreme",
      sort: "random()",
    });
    expect(query).toEqual({ sort: "newest" });
    expect(errors).toHaveLength(6);
    expect(errors[0]).toMatch(/^Unknown type\. Choose one of: SSH, RDP/);
    expect(errors[1]).toMatch(/^Unknown status/);
    expect(errors[2]).toBe("From is not a real date between 2000 and 2100.");
    expect(errors[3]).toBe("To must be a date like 2026-01-31.");
    expect(errors[4]).toMatch(/^Unknown criticality/);
    expect(errors[5]).toMatch(/^Unknown sort/);
  });

  it("refuses oversized search text and repeated parameters", () => {
    const long = parseSessionListQuery({ q: "x".repeat(MAX_SEARCH_LENGTH + 1) });
    expect(long.query.q).toBeUndefined();
    expect(long.errors).toEqual([`Search text is too long: at most ${MAX_SEARCH_LENGTH} characters.`]);
    expect(parseSessionListQuery({ q: "x".repeat(MAX_SEARCH_LENGTH) }).errors).toEqual([]);
    const twice = parseSessionListQuery({ type: ["ssh", "rdp"] });
    expect(twice.query.type).toBeUndefined();
    expect(twice.errors[0]).toMatch(/more than once/);
  });

  it("ignores a date range whose start is after its end", () => {
    const { query, errors } = parseSessionListQuery({ from: "2026-10-05", to: "2026-10-01" });
    expect(query.from).toBeUndefined();
    expect(query.to).toBeUndefined();
    expect(errors[0]).toMatch(/after the To date/);
  });

  it("keeps a cursor of the same sort and refuses one of another sort or a tampered one", () => {
    const cursor: SessionCursor = { sort: "newest", dir: "older", startedAtUs: 1_790_000_000_123_456, id: 42 };
    const token = encodeCursor(cursor);
    expect(parseSessionListQuery({ cursor: token }).query.cursor).toEqual(cursor);
    const other = parseSessionListQuery({ cursor: token, sort: "risk" });
    expect(other.query.cursor).toBeUndefined();
    expect(other.errors[0]).toMatch(/page link is not valid/);
    const tampered = parseSessionListQuery({ cursor: token.slice(0, -3) + "AAA" });
    expect(tampered.query.cursor).toBeUndefined();
    expect(tampered.errors[0]).toMatch(/page link is not valid/);
  });
});

describe("cursor", () => {
  it("round-trips both sorts and directions", () => {
    const cursors: SessionCursor[] = [
      { sort: "newest", dir: "older", startedAtUs: 1_790_000_000_123_456, id: 1 },
      { sort: "newest", dir: "newer", startedAtUs: 0, id: Number.MAX_SAFE_INTEGER },
      { sort: "risk", dir: "older", riskScore: 0, id: 7 },
      { sort: "risk", dir: "newer", riskScore: 250, id: 999_999 },
    ];
    for (const c of cursors) {
      const token = encodeCursor(c);
      expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(decodeCursor(token)).toEqual(c);
    }
  });

  it("rejects anything it did not write", () => {
    const b64 = (v: unknown) => Buffer.from(typeof v === "string" ? v : JSON.stringify(v)).toString("base64url");
    const bad = [
      "",
      "not base64!",
      "x".repeat(500),
      b64("{not json"),
      b64(null),
      b64({ s: "newest", d: "o", t: "2026-01-01", i: 1 }),
      b64({ s: "newest", d: "o", t: 1.5, i: 1 }),
      b64({ s: "newest", d: "o", t: 10, i: -1 }),
      b64({ s: "newest", d: "sideways", t: 10, i: 1 }),
      b64({ s: "risk", d: "o", r: "1; drop table", i: 1 }),
      b64({ s: "oldest", d: "o", t: 10, i: 1 }),
      b64({ s: "risk", d: "o", r: 2 ** 40, i: 1 }),
    ];
    for (const token of bad) expect(decodeCursor(token), token).toBeNull();
  });
});

describe("dates and links", () => {
  it("turns days into instants in the viewer's time zone, end day inclusive", () => {
    expect(startOfDay("2026-10-01", "UTC").toISOString()).toBe("2026-10-01T00:00:00.000Z");
    expect(startOfDay("2026-10-01", "America/Sao_Paulo").toISOString()).toBe("2026-10-01T03:00:00.000Z");
    expect(startOfDay("2026-07-01", "Europe/Berlin").toISOString()).toBe("2026-06-30T22:00:00.000Z");
    // The day daylight saving ends in Berlin still starts at local midnight (UTC+2).
    expect(startOfDay("2026-10-25", "Europe/Berlin").toISOString()).toBe("2026-10-24T22:00:00.000Z");
    const filter = toSessionFilter({ sort: "newest", from: "2026-10-01", to: "2026-10-01" }, "Asia/Tokyo");
    expect(filter.from?.toISOString()).toBe("2026-09-30T15:00:00.000Z");
    expect(filter.to?.toISOString()).toBe("2026-10-01T15:00:00.000Z");
  });

  it("builds list URLs with only the values set", () => {
    expect(sessionListHref({ sort: "newest" })).toBe("/sessions");
    expect(sessionListHref({ q: "a b", type: "ssh", sort: "risk" })).toBe("/sessions?q=a+b&type=ssh&sort=risk");
    const cursor: SessionCursor = { sort: "risk", dir: "older", riskScore: 5, id: 3 };
    const href = sessionListHref({ sort: "risk" }, cursor);
    const token = new URL(href, "http://x").searchParams.get("cursor")!;
    expect(decodeCursor(token)).toEqual(cursor);
  });

  it("accepts session hashes and refuses paths and oversized ids", () => {
    expect(isSessionHash("0123456789abcdef0123456789abcdef")).toBe(true);
    expect(isSessionHash("../etc/passwd")).toBe(false);
    expect(isSessionHash("a b")).toBe(false);
    expect(isSessionHash("a".repeat(129))).toBe(false);
    expect(isSessionHash("")).toBe(false);
  });
});

describe("the legal hold filter", () => {
  it("reads hold=1, refuses anything else, and keeps it in links", () => {
    const { query, errors } = parseSessionListQuery({ hold: "1" });
    expect(errors).toEqual([]);
    expect(query.hold).toBe("1");
    expect(toSessionFilter(query, "UTC").held).toBe(true);
    expect(sessionListHref(query)).toContain("hold=1");
    const bad = parseSessionListQuery({ hold: "yes" });
    expect(bad.query.hold).toBeUndefined();
    expect(bad.errors[0]).toMatch(/Hold/);
  });
});
