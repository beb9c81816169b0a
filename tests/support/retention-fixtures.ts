import { createHash, randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { commandFindings, recordingChunks, recordings, remoteSessions, sessionCommands, sessionEvents, videoExports } from "@/lib/db/schema";
import type { Protocol, SessionStatus } from "@/lib/domain/sessions";
import { chainHead } from "@/lib/recordings/chain";
import { verifyRecording } from "@/lib/recordings/verify";
import { getStorage, storageKeys } from "@/lib/storage";

const DAY = 24 * 60 * 60 * 1000;

async function* once(bytes: Buffer) {
  yield bytes;
}

/**
 * A recorded session as the ingestion leaves it: chunks and the assembled
 * media in storage (small random bytes), their SHA-256 and chain head on the
 * recording, events, commands, a finding and a finished export with its
 * file; verified by the real integrity check unless `verified` is false.
 */
export async function createRecordedSession(input: {
  endedDaysAgo: number;
  protocol?: Protocol;
  userName?: string;
  credentialUsername?: string;
  host?: string;
  status?: SessionStatus;
  receiving?: boolean;
  verified?: boolean;
  exportBy?: string;
  now?: Date;
}) {
  const storage = getStorage();
  const now = input.now ?? new Date();
  const endedAt = new Date(now.getTime() - input.endedDaysAgo * DAY);
  const active = input.status === "active";
  const [session] = await db
    .insert(remoteSessions)
    .values({
      hash: randomBytes(8).toString("hex"),
      protocol: input.protocol ?? "ssh",
      host: input.host ?? "db-01.example.test",
      credentialUsername: input.credentialUsername ?? "root",
      userName: input.userName ?? "pam.user",
      userIp: "10.0.0.9",
      startedAt: new Date(endedAt.getTime() - 60_000),
      endedAt: active ? null : endedAt,
      status: input.status ?? "closed",
    })
    .returning();
  const chunks = [randomBytes(3000), randomBytes(2000), randomBytes(1000)];
  const shas = chunks.map((c) => createHash("sha256").update(c).digest("hex"));
  const whole = Buffer.concat(chunks);
  const [recording] = await db
    .insert(recordings)
    .values({
      sessionId: session!.id,
      status: input.receiving ? "receiving" : "ready",
      expectedChunks: input.receiving ? null : chunks.length,
      expectedSha256: input.receiving ? null : createHash("sha256").update(whole).digest("hex"),
      chainHead: input.receiving ? null : chainHead(shas),
      sizeBytes: whole.length,
      finishedAt: input.receiving ? null : endedAt,
    })
    .returning();
  const id = recording!.id;
  for (const [seq, chunk] of chunks.entries()) {
    await storage.write(storageKeys.chunk(id, seq), once(chunk));
    await db.insert(recordingChunks).values({ recordingId: id, seq, sizeBytes: chunk.length, sha256: shas[seq]! });
  }
  if (!input.receiving) {
    await storage.write(storageKeys.media(id), once(whole));
    await storage.write(storageKeys.playable(id, "g1"), once(randomBytes(500)));
    await db
      .update(recordings)
      .set({ playableKey: storageKeys.playable(id, "g1") })
      .where(eqId(id));
  }
  await db.insert(sessionEvents).values([
    { sessionId: session!.id, tMs: 100, type: "key", data: { key: "l" } },
    { sessionId: session!.id, tMs: 200, type: "key", data: { key: "s" } },
  ]);
  await db.insert(sessionCommands).values({ sessionId: session!.id, tMs: 300, text: "ls", source: "keys" });
  await db.insert(commandFindings).values({
    sessionId: session!.id,
    ruleName: "Listing",
    rulesVersion: 1,
    command: "ls",
    tMs: 300,
    score: 1,
    criticality: "low",
    action: "alert",
  });
  let exportKey: string | null = null;
  if (input.exportBy) {
    const [row] = await db
      .insert(videoExports)
      .values({ sessionId: session!.id, requestedBy: input.exportBy, format: "mp4", optionsKey: "mp4", status: "done" })
      .returning();
    exportKey = storageKeys.exportFile(row!.id, "mp4");
    await storage.write(exportKey, once(randomBytes(700)));
    await db.update(videoExports).set({ storageKey: exportKey }).where(eqExport(row!.id));
  }
  if (input.verified !== false && !input.receiving) {
    const result = await verifyRecording({ recordingId: id });
    if (result.status !== "verified") throw new Error(`fixture did not verify: ${result.detail}`);
  }
  return { session: session!, recordingId: id, exportKey, sha256: createHash("sha256").update(whole).digest("hex"), chainHead: chainHead(shas) };
}

const eqId = (id: number) => eq(recordings.id, id);
const eqExport = (id: string) => eq(videoExports.id, id);
