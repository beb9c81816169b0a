import { rm } from "node:fs/promises";
import path from "node:path";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { endSignIn } from "@/lib/auth/queries";
import { recordings, signIns, users } from "@/lib/db/schema";
import { getPlaybackAccess } from "@/lib/hls/queries";
import { probeMedia } from "@/lib/media/probe";
import { frameRateOf } from "@/lib/player/frame-rate";
import { getVideoRates } from "@/lib/player/queries";
import { closeDb, useFreshDatabase } from "../support/db";
import { insertSessionWithRecording, makeMedia } from "../support/player-media";
import { createTestUser, signInTokenFor } from "../support/users";

let media: string;
beforeAll(async () => {
  await useFreshDatabase();
  media = await makeMedia({ seconds: 2, kind: "vp9", fps: 12 });
});
afterAll(async () => {
  await closeDb();
  await rm(path.dirname(media), { recursive: true, force: true });
});

describe("the recording's frame rate for the player's frame step", () => {
  it("comes from the video stream of the probe stored at ingestion", async () => {
    const { probe } = await probeMedia(media);
    const { recording } = await insertSessionWithRecording({ probe });
    const rates = await getVideoRates({ recordingId: recording.id });
    expect(rates).not.toBeNull();
    expect(frameRateOf(rates)).toBe(12);
  });

  it("falls back to 30 fps when the probe has not run or found no video", async () => {
    const unprobed = await insertSessionWithRecording({});
    expect(await getVideoRates({ recordingId: unprobed.recording.id })).toBeNull();
    const audioOnly = await insertSessionWithRecording({ probe: { streams: [{ index: 0, codec_type: "audio", r_frame_rate: "0/0" }] } });
    expect(frameRateOf(await getVideoRates({ recordingId: audioOnly.recording.id }))).toBe(30);
  });
});

describe("the HLS routes' access check (account and session in one round trip)", () => {
  it("lets admins and auditors reach every session and a user only their own, the same rule as the session pages", async () => {
    const auditor = await createTestUser("auditor");
    const owner = await createTestUser("user");
    const other = await createTestUser("user");
    const { session, recording } = await insertSessionWithRecording({ userId: owner.id });
    const asAuditor = await getPlaybackAccess({ hash: session.hash, token: await signInTokenFor(auditor) });
    expect(asAuditor.viewer).toMatchObject({ id: auditor.id, role: "auditor" });
    expect(asAuditor.access).toMatchObject({ session: { id: session.id, hash: session.hash }, recording: { id: recording.id }, playable: null });
    expect((await getPlaybackAccess({ hash: session.hash, token: await signInTokenFor(owner) })).access?.recording.id).toBe(recording.id);
    // Another user is signed in (viewer) but the session looks missing (no access): a 404, like a hash that does not exist.
    const asOther = await getPlaybackAccess({ hash: session.hash, token: await signInTokenFor(other) });
    expect(asOther.viewer?.id).toBe(other.id);
    expect(asOther.access).toBeNull();
    expect((await getPlaybackAccess({ hash: "no-such-session", token: await signInTokenFor(auditor) })).access).toBeNull();
  });

  it("signs out a disabled account and a token from before a password reset", async () => {
    const auditor = await createTestUser("auditor");
    const { session } = await insertSessionWithRecording({});
    const token = await signInTokenFor(auditor);
    expect((await getPlaybackAccess({ hash: session.hash, token })).viewer).not.toBeNull();
    await db.update(users).set({ sessionVersion: 1 }).where(eq(users.id, auditor.id));
    expect(await getPlaybackAccess({ hash: session.hash, token })).toEqual({ viewer: null, access: null });
    expect((await getPlaybackAccess({ hash: session.hash, token: { ...token, sessionVersion: 1 } })).access).not.toBeNull();
    await db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, auditor.id));
    expect(await getPlaybackAccess({ hash: session.hash, token: { ...token, sessionVersion: 1 } })).toEqual({ viewer: null, access: null });
  });

  it("refuses a signed-out sign-in, one idle past the timeout and a cookie without a sign-in; a request moves the last-seen time", async () => {
    const auditor = await createTestUser("auditor");
    const { session } = await insertSessionWithRecording({});
    const token = await signInTokenFor(auditor);
    const ago = (minutes: number) => sql`now() - make_interval(mins => ${minutes})`;
    await db
      .update(signIns)
      .set({ lastSeenAt: ago(29) })
      .where(eq(signIns.id, token.signInId));
    expect((await getPlaybackAccess({ hash: session.hash, token })).access).not.toBeNull();
    const [touched] = await db.select().from(signIns).where(eq(signIns.id, token.signInId));
    expect(Date.now() - touched!.lastSeenAt.getTime()).toBeLessThan(60_000);
    await db
      .update(signIns)
      .set({ lastSeenAt: ago(31) })
      .where(eq(signIns.id, token.signInId));
    expect(await getPlaybackAccess({ hash: session.hash, token })).toEqual({ viewer: null, access: null });

    const other = await signInTokenFor(auditor);
    expect((await getPlaybackAccess({ hash: session.hash, token: other })).access).not.toBeNull();
    expect(await endSignIn({ id: other.signInId, userId: auditor.id })).toBe(true);
    expect(await getPlaybackAccess({ hash: session.hash, token: other })).toEqual({ viewer: null, access: null });
    expect(await getPlaybackAccess({ hash: session.hash, token: { ...other, signInId: null } })).toEqual({ viewer: null, access: null });
  });

  it("finds no access to a session without a recording (a failed connection)", async () => {
    const auditor = await createTestUser("auditor");
    const { session, recording } = await insertSessionWithRecording({});
    await db.delete(recordings).where(eq(recordings.id, recording.id));
    const result = await getPlaybackAccess({ hash: session.hash, token: await signInTokenFor(auditor) });
    expect(result.viewer).not.toBeNull();
    expect(result.access).toBeNull();
  });
});
