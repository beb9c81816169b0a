/**
 * The audit of bytes served (lib/audit/streams.ts): one `session.streamed`
 * entry per viewer, session and hour, written before the first bytes, also
 * when many requests arrive at once; the bytes of every request are counted.
 */
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { flushStreamed, recordStreamed } from "@/lib/audit/streams";
import { db } from "@/lib/db/client";
import { auditLog, playbackStreams } from "@/lib/db/schema";
import { closeDb, useFreshDatabase } from "../support/db";
import { insertSessionWithRecording } from "../support/player-media";
import { createTestUser } from "../support/users";

beforeAll(async () => {
  await useFreshDatabase();
});
afterAll(async () => {
  await closeDb();
});

describe("audit of streamed bytes", () => {
  it("writes one entry per viewer, session and hour, and counts every request's bytes", async () => {
    const auditor = await createTestUser("auditor");
    const other = await createTestUser("auditor");
    const { session } = await insertSessionWithRecording({});
    const target = { id: session.id, hash: session.hash };
    // 20 segments asked at once, as a player or ffmpeg does.
    await Promise.all(
      Array.from({ length: 20 }, () => recordStreamed({ viewer: auditor, session: target, bytes: 1000, ip: "10.0.0.1", resource: "hls media" })),
    );
    await recordStreamed({ viewer: auditor, session: target, bytes: 500, ip: "10.0.0.1", resource: "hls media" });
    await recordStreamed({ viewer: other, session: target, bytes: 7, ip: null, resource: "hls playlist" });
    await flushStreamed();

    const entries = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "session.streamed"), eq(auditLog.targetId, session.hash)));
    expect(entries.map((e) => e.actorId).sort()).toEqual([auditor.id, other.id].sort());
    expect(entries.find((e) => e.actorId === auditor.id)).toMatchObject({ ip: "10.0.0.1", targetType: "session", details: { first: "hls media" } });
    const [stream] = await db.select().from(playbackStreams).where(eq(playbackStreams.userId, auditor.id));
    expect(stream).toMatchObject({ bytes: 20_500, requests: 21, sessionId: session.id });
    expect(stream!.auditId).toBe(entries.find((e) => e.actorId === auditor.id)!.id);
    expect(stream!.hour.getUTCMinutes()).toBe(0);
  });
});
