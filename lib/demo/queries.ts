import "server-only";
import { eq, inArray, sql, type AnyColumn } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { recordings, remoteSessions } from "@/lib/db/schema";

/** Whether the database holds any session: the demo goes only into one that has none. */
export async function hasAnySession(): Promise<boolean> {
  const [row] = await db.select({ id: remoteSessions.id }).from(remoteSessions).limit(1);
  return row !== undefined;
}

const isSet = (column: AnyColumn) => sql<boolean>`${column} is not null`;

/** Where the background work on some sessions stands: their status, analysis and recording. */
export async function listSessionProgressByHash({ hashes }: { hashes: string[] }) {
  if (hashes.length === 0) return [];
  return db
    .select({
      protocol: remoteSessions.protocol,
      status: remoteSessions.status,
      analyzed: isSet(remoteSessions.analyzedAt),
      recordingStatus: recordings.status,
      playable: isSet(recordings.playlist),
      measured: isSet(recordings.activity),
    })
    .from(remoteSessions)
    .leftJoin(recordings, eq(recordings.sessionId, remoteSessions.id))
    .where(inArray(remoteSessions.hash, hashes));
}
