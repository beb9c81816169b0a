import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const require = createRequire(import.meta.url);
const before = process.env.NEXT_TELEMETRY_DISABLED;
afterEach(() => {
  if (before === undefined) delete process.env.NEXT_TELEMETRY_DISABLED;
  else process.env.NEXT_TELEMETRY_DISABLED = before;
});

describe("Next.js telemetry", () => {
  it("is off by default: loading next.config.ts (as every next command and our web server do) turns it off", async () => {
    delete process.env.NEXT_TELEMETRY_DISABLED;
    await import("../../next.config");
    expect(process.env.NEXT_TELEMETRY_DISABLED).toBe("1");

    // Next's own telemetry, created after the config is loaded, then sends nothing.
    const { Telemetry } = require("next/dist/telemetry/storage") as {
      Telemetry: new (options: { distDir: string }) => { isEnabled: boolean };
    };
    const distDir = await mkdtemp(path.join(os.tmpdir(), "sv-telemetry-"));
    try {
      expect(new Telemetry({ distDir }).isEnabled).toBe(false);
    } finally {
      await rm(distDir, { recursive: true, force: true });
    }
  });
});
