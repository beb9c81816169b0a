import { rm } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// lib/env.ts reads the environment once: the Resend stand-in must listen before it loads.
const setup = await vi.hoisted(async () => {
  const { startResendStandIn } = await import("../support/resend-stand-in");
  const apiKey = "re_stand_in_key";
  const resend = await startResendStandIn(apiKey);
  const dataDir = `${(await import("node:os")).tmpdir()}/sv-export-emails-test-${process.pid}-${Date.now()}`;
  process.env.DATA_DIR = dataDir;
  process.env.RESEND_API_KEY = apiKey;
  process.env.RESEND_BASE_URL = resend.url;
  process.env.NEXTAUTH_URL = "https://video.example.test";
  return { resend, dataDir };
});

import { type Role } from "@/lib/domain/roles";
import { setParameter } from "@/lib/settings/queries";
import { getExportById, setExportEmailStatus } from "@/lib/exports/queries";
import { runExportConversion } from "@/lib/exports/convert";
import { requestExport } from "@/lib/exports";
import { sendExportEmailHandler } from "@/lib/exports/jobs/send-export-email";
import { stopBoss } from "@/lib/jobs/queue";
import { getStorage } from "@/lib/storage";
import { closeDb, useFreshDatabase } from "../support/db";
import { createSessionWithRecording, makeRecordingFile } from "../support/export-fixtures";
import { createTestUser } from "../support/users";

const { resend, dataDir } = setup;
const cleanups: (() => Promise<void>)[] = [];
let admin: Awaited<ReturnType<typeof createTestUser>>;

beforeAll(async () => {
  await useFreshDatabase();
  admin = await createTestUser("admin");
  await setParameter({ key: "remote_session.video_download_enabled", value: true, updatedBy: admin.id });
  await setParameter({ key: "remote_session.download_format", value: "mp4", updatedBy: admin.id });
});
afterAll(async () => {
  for (const c of cleanups) await c();
  await stopBoss();
  await closeDb();
  await resend.close();
  await rm(dataDir, { recursive: true, force: true });
});

const viewer = (u: { id: string; email: string; name: string; role: Role }) => ({ id: u.id, email: u.email, name: u.name, role: u.role });

async function finishedSession() {
  const media = await makeRecordingFile("h264-aac-mp4", { seconds: 2 });
  cleanups.push(media.cleanup);
  return createSessionWithRecording({ storage: getStorage(), file: media.file, kind: "h264-aac-mp4" });
}

describe("the video-is-ready email through Resend", () => {
  it("sends one email per recipient of an export, each with its own idempotency key, and a retry sends none again", async () => {
    const requester = await createTestUser("auditor");
    const joiner = await createTestUser("auditor");
    const { session } = await finishedSession();
    const first = await requestExport({ hash: session.hash, viewer: viewer(requester), ip: null });
    await requestExport({ hash: session.hash, viewer: viewer(joiner), ip: null });
    const exportId = first.export.id;
    expect(await runExportConversion({ exportId })).toBe("done");

    await sendExportEmailHandler.handle({ exportId }, {} as never);
    // Resend answers a reused key with another payload (another "to") with 409, for good: the joiner
    // would never get the email.
    await sendExportEmailHandler.handle({ exportId, userId: joiner.id }, {} as never);
    const mine = resend.emails.filter((e) => e.body.subject.includes(session.hash));
    expect(mine.map((e) => e.body.to).sort()).toEqual([[requester.email], [joiner.email]].sort());
    expect(resend.answers.filter((a) => a.status !== 200)).toEqual([]);
    const [a, b] = mine.map((e) => e.idempotencyKey);
    expect(a).toBeTruthy();
    expect(b).toBeTruthy();
    expect(a).not.toBe(b);
    expect((await getExportById({ id: exportId }))?.emailStatus).toBe("sent");

    // A retry after a lost answer (the status was not written): Resend replays its answer, nobody gets a second email.
    await setExportEmailStatus({ id: exportId, emailStatus: "failed", emailError: "socket hang up" });
    await sendExportEmailHandler.handle({ exportId }, {} as never);
    expect(resend.emails.filter((e) => e.body.subject.includes(session.hash))).toHaveLength(2);
    expect(resend.answers.filter((x) => x.status !== 200)).toEqual([]);
    expect((await getExportById({ id: exportId }))?.emailStatus).toBe("sent");
  });
});
