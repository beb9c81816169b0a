import "server-only";
import { and, asc, eq, ne, sql } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { recordings, sessionEvents } from "@/lib/db/schema";
import type { InputEvent } from "./heatmap";
import type { LogEvent } from "./keylog";

/**
 * Input activity per type and second: what the heatmap and idle detection
 * need, without sending every pointer move of a 10-hour session.
 */
export async function getInputActivity({ sessionId }: { sessionId: number }): Promise<InputEvent[]> {
  const second = sql<number>`(${sessionEvents.tMs} / 1000)`;
  const rows = await db
    .select({ second, type: sessionEvents.type, count: sql<number>`count(*)::int` })
    .from(sessionEvents)
    .where(eq(sessionEvents.sessionId, sessionId))
    .groupBy(second, sessionEvents.type);
  return rows.map((r) => ({ tMs: Number(r.second) * 1000, type: r.type, count: r.count }));
}

/** Every event of the keystroke log in time order (pointer moves and clicks left out). */
export async function getLogEvents({ sessionId }: { sessionId: number }): Promise<LogEvent[]> {
  return db
    .select({ tMs: sessionEvents.tMs, type: sessionEvents.type, data: sessionEvents.data })
    .from(sessionEvents)
    .where(and(eq(sessionEvents.sessionId, sessionId), ne(sessionEvents.type, "mouse"), ne(sessionEvents.type, "click")))
    .orderBy(asc(sessionEvents.tMs), asc(sessionEvents.id));
}

/** The video stream's rates as ffprobe gave them at ingestion (recordings.probe), for the frame step. */
export async function getVideoRates({ recordingId }: { recordingId: number }): Promise<{ avgFrameRate: string | null; rFrameRate: string | null } | null> {
  const [row] = await db
    .select({
      avgFrameRate: sql<string | null>`v->>'avg_frame_rate'`,
      rFrameRate: sql<string | null>`v->>'r_frame_rate'`,
    })
    .from(recordings)
    .innerJoin(sql`jsonb_array_elements(coalesce(${recordings.probe}->'streams', '[]'::jsonb)) as v`, sql`v->>'codec_type' = 'video'`)
    .where(eq(recordings.id, recordingId))
    .limit(1);
  return row ?? null;
}
