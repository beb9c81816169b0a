import { randomBytes } from "node:crypto";
import { db } from "@/lib/db/client";
import { remoteSessions, sessionEvents, type RemoteSession } from "@/lib/db/schema";
import { type Protocol } from "@/lib/domain/sessions";

type EventRow = { tMs: number; type: "key" | "command" | "query"; data: Record<string, unknown> };

/**
 * Keystroke events as a proxy records them, 80 ms apart from `startMs`: each
 * string is typed and followed by Enter; `{ masked: n }` types n hidden keys
 * then Enter (a password prompt). Returns the events and each Enter's time.
 */
export function typeLines(lines: (string | { masked: number })[], startMs = 1_000): { events: EventRow[]; enters: number[] } {
  const events: EventRow[] = [];
  const enters: number[] = [];
  let t = startMs;
  for (const line of lines) {
    if (typeof line === "string") {
      for (const key of line) events.push({ tMs: (t += 80), type: "key", data: { key } });
    } else {
      for (let i = 0; i < line.masked; i++) events.push({ tMs: (t += 80), type: "key", data: { key: "•", masked: true } });
    }
    events.push({ tMs: (t += 80), type: "key", data: { key: "Enter" } });
    enters.push(t);
    t += 2_000; // the command runs
  }
  return { events, enters };
}

export async function insertSession(input: {
  protocol: Protocol;
  userId?: string | null;
  userName?: string;
  startedAt?: Date;
  events?: EventRow[];
}): Promise<RemoteSession> {
  const startedAt = input.startedAt ?? new Date(Date.UTC(2026, 10, 2, 9, 0, 0));
  const [session] = await db
    .insert(remoteSessions)
    .values({
      hash: randomBytes(16).toString("hex"),
      protocol: input.protocol,
      host: "db01.example.net",
      credentialUsername: "root",
      userId: input.userId ?? null,
      userName: input.userName ?? "ana",
      userIp: "10.0.0.7",
      startedAt,
      endedAt: new Date(startedAt.getTime() + 10 * 60_000),
      status: "closed",
    })
    .returning();
  if (input.events?.length) {
    await db.insert(sessionEvents).values(input.events.map((e) => ({ sessionId: session!.id, ...e })));
  }
  return session!;
}
