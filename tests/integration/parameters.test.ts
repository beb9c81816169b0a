import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { db } from "@/lib/db/client";
import { getParameter } from "@/lib/settings/queries";
import { auditLog } from "@/lib/db/schema";
import { listParameterGroups, saveParameters } from "@/lib/settings";
import { describeParameterField, parameterFormSchema, parseFieldInput } from "@/lib/settings/fields";
import { closeDb, useFreshDatabase } from "../support/db";
import { createTestUser } from "../support/users";

beforeAll(async () => {
  await useFreshDatabase();
});
afterAll(async () => {
  await closeDb();
});

const KEY = "remote_session.video_download_enabled";

async function changesOf(key: string) {
  return db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.action, "parameter.changed"), eq(auditLog.targetId, key)))
    .orderBy(auditLog.id);
}

describe("system parameters", () => {
  it("lists the Remote session parameters with their defaults before anyone saves", async () => {
    const groups = await listParameterGroups();
    const remote = groups.find((g) => g.group === "Remote session");
    const download = remote?.parameters.find((p) => p.key === KEY);
    expect(download).toMatchObject({
      label: "Enable session video download",
      field: { kind: "boolean" },
      value: false,
      defaultValue: false,
      updatedAt: null,
      updatedBy: null,
    });
    await expect(getParameter({ key: KEY })).resolves.toBe(false);
  });

  it("reads the switch from the form: checked is on, absent is off, anything else is an error", () => {
    expect(parameterFormSchema.parse({ keys: KEY, [KEY]: "true" })).toEqual([{ key: KEY, value: true }]);
    expect(parameterFormSchema.parse({ keys: KEY })).toEqual([{ key: KEY, value: false }]);
    const bad = parameterFormSchema.safeParse({ keys: KEY, [KEY]: "maybe" });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]).toMatchObject({ path: [KEY], message: "Choose on or off." });
    const unknown = parameterFormSchema.safeParse({ keys: "remote_session.no_such_thing" });
    expect(unknown.success).toBe(false);
    expect(unknown.error?.issues[0]?.path).toEqual(["form"]);
    expect(parameterFormSchema.safeParse({ keys: "" }).success).toBe(false);
  });

  it("saves a change and writes who changed it, the old and the new value to the audit trail", async () => {
    const admin = await createTestUser("admin");
    const changed = await saveParameters({ actor: admin, ip: "10.9.8.7", values: [{ key: KEY, value: true }] });
    expect(changed).toEqual([KEY]);
    await expect(getParameter({ key: KEY })).resolves.toBe(true);
    const [entry] = await changesOf(KEY);
    expect(entry).toMatchObject({ actorId: admin.id, actorEmail: admin.email, targetType: "parameter", ip: "10.9.8.7" });
    expect(entry?.details).toEqual({ key: KEY, old: false, new: true });

    const groups = await listParameterGroups();
    const download = groups.flatMap((g) => g.parameters).find((p) => p.key === KEY);
    expect(download?.value).toBe(true);
    expect(download?.updatedAt).toBeInstanceOf(Date);
    expect(download?.updatedBy).toMatchObject({ id: admin.id, email: admin.email });
  });

  it("saving the same value writes nothing; turning it off again is audited with old and new", async () => {
    const admin = await createTestUser("admin");
    const before = await changesOf(KEY);
    await expect(saveParameters({ actor: admin, values: [{ key: KEY, value: true }] })).resolves.toEqual([]);
    expect(await changesOf(KEY)).toHaveLength(before.length);
    await saveParameters({ actor: admin, values: [{ key: KEY, value: false }] });
    const after = await changesOf(KEY);
    expect(after).toHaveLength(before.length + 1);
    expect(after.at(-1)?.details).toEqual({ key: KEY, old: true, new: false });
    expect(after.at(-1)?.actorId).toBe(admin.id);
    await expect(getParameter({ key: KEY })).resolves.toBe(false);
  });

  it("renders parameters added later: enums as a select, numbers as a number input", () => {
    expect(describeParameterField(z.enum(["mp4", "webm"]))).toEqual({ kind: "enum", options: ["mp4", "webm"] });
    expect(describeParameterField(z.number().int().min(1).max(3650))).toEqual({ kind: "number", min: 1, max: 3650, integer: true });
    expect(describeParameterField(z.boolean().default(false))).toEqual({ kind: "boolean" });
    expect(describeParameterField(z.string().max(80))).toEqual({ kind: "text", maxLength: 80 });

    const days = z.number().int().min(1).max(3650);
    expect(parseFieldInput(days, "30")).toEqual({ ok: true, value: 30 });
    expect(parseFieldInput(days, "0")).toMatchObject({ ok: false });
    expect(parseFieldInput(days, "1.5")).toMatchObject({ ok: false });
    expect(parseFieldInput(days, "ten")).toEqual({ ok: false, message: "Enter a number." });
    expect(parseFieldInput(days, "")).toEqual({ ok: false, message: "Enter a number." });
    const format = z.enum(["mp4", "webm"]);
    expect(parseFieldInput(format, "webm")).toEqual({ ok: true, value: "webm" });
    expect(parseFieldInput(format, "avi")).toEqual({ ok: false, message: "Choose one of: mp4, webm." });
  });
});
