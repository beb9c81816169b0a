import "server-only";
import { and, inArray, sql, type SQL } from "drizzle-orm";
import type { Viewer } from "@/lib/auth/viewer";
import { db } from "@/lib/db/client";
import { escapeLike } from "@/lib/db/like";
import { sessionSummaryColumns, sessionVisibleTo, startedBefore } from "@/lib/sessions/queries";
import type { StartedCursor } from "@/lib/sessions/page-cursor";
import { remoteSessions, sessionCommands, type RemoteSession, type SessionCommand } from "@/lib/db/schema";
import { protocolsOfKind, type Protocol } from "@/lib/domain/sessions";

export const COMMAND_SEARCH_PAGE_SIZE = 20;
/** Matching commands shown under each session; the rest are counted. */
export const COMMANDS_PER_SESSION = 5;

const TERMINAL: Protocol[] = ["ssh", "telnet"];
const DATABASE: Protocol[] = protocolsOfKind("database");
export type CommandSearchKind = "terminal" | "database";

export type CommandSearchHit = Pick<SessionCommand, "id" | "tMs" | "text" | "source" | "masked">;
export type CommandSearchRow = Pick<RemoteSession, "id" | "hash" | "protocol" | "host" | "userName" | "credentialUsername" | "startedAt"> & {
  startedAtUs: number;
  matches: number;
  hits: CommandSearchHit[];
};

/**
 * Sessions whose commands contain `q` (any case), newest first, one page
 * after the cursor, each with its first matching commands in time order.
 * Only the sessions the viewer may see (sessionVisibleTo); the trigram index
 * on session_commands.text finds the matches without reading every command.
 */
export async function searchSessionCommands({
  viewer,
  q,
  kind,
  cursor,
  limit = COMMAND_SEARCH_PAGE_SIZE,
}: {
  viewer: Pick<Viewer, "id" | "role">;
  q: string;
  kind?: CommandSearchKind;
  cursor?: StartedCursor | null;
  limit?: number;
}): Promise<{ rows: CommandSearchRow[]; next: StartedCursor | null }> {
  const pattern = `%${escapeLike(q)}%`;
  const where: (SQL | undefined)[] = [
    sessionVisibleTo(viewer),
    sql`exists (select 1 from session_commands sc where sc.session_id = ${remoteSessions.id} and sc.text ilike ${pattern})`,
  ];
  if (kind) where.push(inArray(remoteSessions.protocol, kind === "terminal" ? TERMINAL : DATABASE));
  if (cursor) where.push(startedBefore(cursor));
  const sessions = await db
    .select(sessionSummaryColumns)
    .from(remoteSessions)
    .where(and(...where))
    .orderBy(sql`${remoteSessions.startedAt} desc`, sql`${remoteSessions.id} desc`)
    .limit(limit + 1);
  const page = sessions.slice(0, limit);
  if (page.length === 0) return { rows: [], next: null };

  // The first matching commands of each session on the page, and how many match in all.
  const hits = await db.execute<{
    id: string;
    session_id: string;
    t_ms: number;
    text: string;
    source: SessionCommand["source"];
    masked: boolean;
    matches: string;
  }>(sql`
    select id, session_id, t_ms, text, source, masked, matches from (
      select ${sessionCommands.id} as id, ${sessionCommands.sessionId} as session_id, ${sessionCommands.tMs} as t_ms,
        ${sessionCommands.text} as text, ${sessionCommands.source} as source, ${sessionCommands.masked} as masked,
        row_number() over (partition by ${sessionCommands.sessionId} order by ${sessionCommands.tMs}, ${sessionCommands.id}) as n,
        count(*) over (partition by ${sessionCommands.sessionId}) as matches
      from ${sessionCommands}
      where ${inArray(
        sessionCommands.sessionId,
        page.map((s) => s.id),
      )} and ${sessionCommands.text} ilike ${pattern}
    ) m where n <= ${COMMANDS_PER_SESSION} order by session_id, t_ms, id`);
  const bySession = new Map<number, { matches: number; hits: CommandSearchHit[] }>();
  for (const h of hits.rows) {
    const sessionId = Number(h.session_id);
    const entry = bySession.get(sessionId) ?? { matches: Number(h.matches), hits: [] };
    entry.hits.push({ id: Number(h.id), tMs: h.t_ms, text: h.text, source: h.source, masked: h.masked });
    bySession.set(sessionId, entry);
  }
  const rows = page.map((s) => ({ ...s, matches: bySession.get(s.id)?.matches ?? 0, hits: bySession.get(s.id)?.hits ?? [] }));
  const last = page[page.length - 1]!;
  return { rows, next: sessions.length > limit ? { startedAtUs: last.startedAtUs, id: last.id } : null };
}
