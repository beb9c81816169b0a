import "server-only";
import { and, asc, desc, eq } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { liveCommands, remoteSessions, type LiveCommand, type NewLiveCommand } from "@/lib/db/schema";
import { sessionVisibleTo } from "@/lib/sessions/queries";
import type { Viewer } from "@/lib/auth/viewer";
import { notifyCommandsSql } from "./channel";

type Tx = Parameters<Parameters<typeof db.transaction>[0]>[0];

/**
 * Stores a command and wakes the proxy's channel on whichever node holds it
 * (the NOTIFY is delivered when this transaction commits); `inTx` writes the
 * audit entry in the same transaction, so there is no command without its entry.
 */
export async function insertLiveCommand({
  values,
  tokenId,
  inTx,
}: {
  values: NewLiveCommand;
  tokenId: string;
  inTx: (tx: Tx, command: LiveCommand) => Promise<void>;
}): Promise<LiveCommand> {
  return db.transaction(async (tx) => {
    const [command] = await tx.insert(liveCommands).values(values).returning();
    await inTx(tx, command!);
    await tx.execute(notifyCommandsSql(tokenId));
    return command!;
  });
}

/** The commands of a session, oldest first. The session was already checked against the viewer. */
export async function listLiveCommands({ sessionId }: { sessionId: number }): Promise<LiveCommand[]> {
  return db.select().from(liveCommands).where(eq(liveCommands.sessionId, sessionId)).orderBy(asc(liveCommands.issuedAt));
}

/** The sessions being recorded now, as the viewer may see them, newest first. */
export async function listActiveSessions({ viewer, limit = 500 }: { viewer: Pick<Viewer, "id" | "role">; limit?: number }) {
  return db
    .select({
      id: remoteSessions.id,
      hash: remoteSessions.hash,
      protocol: remoteSessions.protocol,
      host: remoteSessions.host,
      credentialUsername: remoteSessions.credentialUsername,
      userName: remoteSessions.userName,
      clusterNode: remoteSessions.clusterNode,
      startedAt: remoteSessions.startedAt,
      riskScore: remoteSessions.riskScore,
      maxCriticality: remoteSessions.maxCriticality,
    })
    .from(remoteSessions)
    .where(and(eq(remoteSessions.status, "active"), sessionVisibleTo(viewer)))
    .orderBy(desc(remoteSessions.startedAt), desc(remoteSessions.id))
    .limit(limit);
}
