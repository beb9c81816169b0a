import { describe, expect, it } from "vitest";
import {
  DEFAULT_RETENTION_POLICY,
  globToRegExp,
  retentionDaysFor,
  retentionExpiresAt,
  retentionLabel,
  retentionPolicySchema,
  type RetentionPolicy,
} from "@/lib/domain/retention";

const ssh = { protocol: "ssh" as const, userName: "alice", credentialUsername: "root" };

describe("retentionDaysFor", () => {
  it("keeps everything forever without a policy", () => {
    expect(retentionDaysFor(DEFAULT_RETENTION_POLICY, ssh)).toBeNull();
  });

  it("uses the default when no override applies", () => {
    const policy: RetentionPolicy = {
      defaultDays: 90,
      protocols: [{ protocol: "rdp", days: 400 }],
      patterns: [{ field: "user", pattern: "bob*", days: 1000 }],
    };
    expect(retentionDaysFor(policy, ssh)).toBe(90);
  });

  it("takes the longest applicable period, so an override never shortens the default", () => {
    const policy: RetentionPolicy = {
      defaultDays: 90,
      protocols: [{ protocol: "ssh", days: 30 }],
      patterns: [
        { field: "credential", pattern: "ro?t", days: 365 },
        { field: "user", pattern: "ALI*", days: 180 },
      ],
    };
    expect(retentionDaysFor(policy, ssh)).toBe(365);
    expect(retentionDaysFor(policy, { ...ssh, credentialUsername: "deploy" })).toBe(180);
    expect(retentionDaysFor(policy, { ...ssh, userName: "carol", credentialUsername: "deploy" })).toBe(90);
  });

  it("keeps forever when any applicable period is forever", () => {
    const policy: RetentionPolicy = { defaultDays: 30, protocols: [{ protocol: "ssh", days: null }], patterns: [{ field: "user", pattern: "*", days: 60 }] };
    expect(retentionDaysFor(policy, ssh)).toBeNull();
    expect(retentionDaysFor(policy, { ...ssh, protocol: "rdp" })).toBe(60);
  });
});

describe("globToRegExp", () => {
  it("matches * and ? and takes every other character literally, case-insensitively", () => {
    expect(globToRegExp("svc-*").test("SVC-backup")).toBe(true);
    expect(globToRegExp("a.b").test("axb")).toBe(false);
    expect(globToRegExp("a.b").test("a.b")).toBe(true);
    expect(globToRegExp("d?").test("db")).toBe(true);
    expect(globToRegExp("d?").test("dbx")).toBe(false);
    expect(globToRegExp("(x)[y]+").test("(x)[y]+")).toBe(true);
  });
});

describe("retentionExpiresAt", () => {
  const startedAt = new Date("2026-01-01T10:00:00Z");
  it("counts from the end of the session, or its start when it never ended", () => {
    const policy: RetentionPolicy = { defaultDays: 10, protocols: [], patterns: [] };
    expect(retentionExpiresAt(policy, { ...ssh, startedAt, endedAt: new Date("2026-01-02T10:00:00Z") })?.toISOString()).toBe("2026-01-12T10:00:00.000Z");
    expect(retentionExpiresAt(policy, { ...ssh, startedAt, endedAt: null })?.toISOString()).toBe("2026-01-11T10:00:00.000Z");
    expect(retentionExpiresAt(DEFAULT_RETENTION_POLICY, { ...ssh, startedAt, endedAt: null })).toBeNull();
  });
});

describe("retentionPolicySchema", () => {
  it("refuses periods that are not whole positive days, unknown protocols and empty patterns", () => {
    expect(retentionPolicySchema.safeParse({ defaultDays: 0, protocols: [], patterns: [] }).success).toBe(false);
    expect(retentionPolicySchema.safeParse({ defaultDays: 1.5, protocols: [], patterns: [] }).success).toBe(false);
    expect(retentionPolicySchema.safeParse({ defaultDays: 30, protocols: [{ protocol: "ftp", days: 1 }], patterns: [] }).success).toBe(false);
    expect(retentionPolicySchema.safeParse({ defaultDays: 30, protocols: [], patterns: [{ field: "user", pattern: "  ", days: 1 }] }).success).toBe(false);
    expect(retentionPolicySchema.safeParse({ defaultDays: null, protocols: [{ protocol: "ssh", days: 1095 }], patterns: [] }).success).toBe(true);
  });
  it("labels periods", () => {
    expect(retentionLabel(null)).toBe("forever");
    expect(retentionLabel(1)).toBe("1 day");
    expect(retentionLabel(30)).toBe("30 days");
  });
});

describe("parseRetentionForm", () => {
  it("reads the default, protocol overrides and pattern lines, and writes them back", async () => {
    const { parseRetentionForm, retentionFormValues } = await import("@/lib/retention/form");
    const result = parseRetentionForm({
      defaultDays: " 365 ",
      "protocol.ssh": "1095",
      "protocol.rdp": "forever",
      "protocol.vnc": "",
      patterns: "user alice* forever\r\n\ncredential svc-? 30\n",
    });
    expect(result).toEqual({
      ok: true,
      policy: {
        defaultDays: 365,
        protocols: [
          { protocol: "ssh", days: 1095 },
          { protocol: "rdp", days: null },
        ],
        patterns: [
          { field: "user", pattern: "alice*", days: null },
          { field: "credential", pattern: "svc-?", days: 30 },
        ],
      },
    });
    if (!result.ok) throw new Error("unreachable");
    const back = retentionFormValues(result.policy);
    expect(
      parseRetentionForm({
        defaultDays: back.defaultDays,
        ...Object.fromEntries(Object.entries(back.protocols).map(([k, v]) => [`protocol.${k}`, v])),
        patterns: back.patterns,
      }),
    ).toEqual(result);
  });

  it("names the field of every mistake and never throws", async () => {
    const { parseRetentionForm } = await import("@/lib/retention/form");
    const result = parseRetentionForm({ defaultDays: "0", "protocol.ssh": "-1", patterns: "host x 3\nuser a b c\nuser a 99999999", extra: 5 });
    expect(result.ok).toBe(false);
    if (result.ok) throw new Error("unreachable");
    expect(Object.keys(result.fieldErrors).sort()).toEqual(["defaultDays", "patterns", "protocol.ssh"]);
    expect(result.fieldErrors.patterns).toHaveLength(3);
    expect(parseRetentionForm({}).ok).toBe(false);
    expect(parseRetentionForm({ defaultDays: "forever" })).toEqual({ ok: true, policy: { defaultDays: null, protocols: [], patterns: [] } });
  });
});
