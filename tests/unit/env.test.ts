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
