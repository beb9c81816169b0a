import { describe, expect, it } from "vitest";
import { safeReturnPath } from "@/lib/auth/return-path";

describe("the return path after sign-in", () => {
  it("keeps a path of this site with its query and fragment", () => {
    expect(safeReturnPath("/sessions/abc/play?t=90#log")).toBe("/sessions/abc/play?t=90#log");
    expect(safeReturnPath(["/settings/audit", "/x"])).toBe("/settings/audit");
    expect(safeReturnPath("/sessions/../settings")).toBe("/settings");
    // Still encoded (the page gets search params decoded, so a real %09 arrives as a tab, refused below): a path here.
    expect(new URL(safeReturnPath("/%09/evil.example"), "https://app.example").origin).toBe("https://app.example");
  });

  it.each([
    ["//evil.example/x"],
    ["/\\evil.example/x"],
    ["/\\\\evil.example"],
    ["/\t/evil.example"],
    ["/\n/evil.example"],
    ["https://evil.example/"],
    ["javascript:alert(1)"],
    ["evil.example"],
    [""],
    [undefined],
  ])("refuses %j for the default", (raw) => {
    const path = safeReturnPath(raw);
    expect(path).toBe("/sessions");
    // Whatever is kept, a browser resolves it on this site.
    expect(new URL(path, "https://app.example").origin).toBe("https://app.example");
  });
});
