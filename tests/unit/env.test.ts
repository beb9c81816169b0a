import { describe, expect, it } from "vitest";
import { parseEnv } from "@/lib/env";

describe("SEED_DEMO", () => {
  it("defaults to on with the embedded database", () => {
    expect(parseEnv({}).SEED_DEMO).toBe("1");
  });

  it("defaults to off when DATABASE_URL points at a server, which may be production", () => {
    expect(parseEnv({ DATABASE_URL: "postgres://app@db.example.com:5432/session_video" }).SEED_DEMO).toBe("0");
  });

  it("is what it is set to, with or without DATABASE_URL", () => {
    expect(parseEnv({ DATABASE_URL: "postgres://app@localhost/demo", SEED_DEMO: "1" }).SEED_DEMO).toBe("1");
    expect(parseEnv({ SEED_DEMO: "0" }).SEED_DEMO).toBe("0");
  });

  it("refuses anything but 0 or 1", () => {
    expect(() => parseEnv({ SEED_DEMO: "yes" })).toThrow(/SEED_DEMO/);
  });
});

describe("S3_OBJECT_LOCK", () => {
  const s3 = { STORAGE: "s3", S3_BUCKET: "evidence" };

  it("is off by default", () => {
    expect(parseEnv(s3).S3_OBJECT_LOCK).toBe("off");
  });

  it("takes a retention mode with STORAGE=s3", () => {
    expect(parseEnv({ ...s3, S3_OBJECT_LOCK: "compliance" }).S3_OBJECT_LOCK).toBe("compliance");
    expect(parseEnv({ ...s3, S3_OBJECT_LOCK: "governance" }).S3_OBJECT_LOCK).toBe("governance");
  });

  it("refuses another word, and a lock without an S3 store", () => {
    expect(() => parseEnv({ ...s3, S3_OBJECT_LOCK: "worm" })).toThrow(/S3_OBJECT_LOCK/);
    expect(() => parseEnv({ S3_OBJECT_LOCK: "compliance" })).toThrow(/S3_OBJECT_LOCK: needs STORAGE=s3/);
  });
});
