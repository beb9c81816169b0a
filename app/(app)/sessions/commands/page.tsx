import Link from "next/link";
import type { ReactNode } from "react";
import { SessionSummaryCells, SessionSummaryHead } from "../_components/session-summary";
import { recordAudit } from "@/lib/audit";
import { requestIp, requireViewer } from "@/lib/auth/viewer";
import { hasControlCharacter, SEARCH_CONTROL_CHARACTER } from "@/lib/domain/text";
import { COMMANDS_PER_SESSION, searchSessionCommands, type CommandSearchKind } from "@/lib/analysis/queries/commands";
import { formatOffset, playerHref } from "@/lib/analysis/format";
import { formatStartedCursor, parseStartedCursor } from "@/lib/sessions/page-cursor";

export const metadata = { title: "Command search · Session Video" };

const MIN_QUERY = 2;
const MAX_QUERY = 200;
const KINDS: Record<CommandSearchKind, string> = { terminal: "Terminal (SSH, Telnet)", database: "Database" };

type Params = Record<string, string | string[] | undefined>;
const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

function searchHref(q: string, kind: CommandSearchKind | undefined, after?: string): string {
  const params = new URLSearchParams({ q });
  if (kind) params.set("kind", kind);
  if (after) params.set("after", after);
  return `/sessions/commands?${params}`;
}

/** The command with every occurrence of the searched text marked. */
function Highlighted({ text, q }: { text: string; q: string }) {
  const parts: ReactNode[] = [];
  const lower = text.toLowerCase();
  const needle = q.toLowerCase();
  let from = 0;
  for (let at = lower.indexOf(needle); at >= 0 && needle; at = lower.indexOf(needle, from)) {
    if (at > from) parts.push(text.slice(from, at));
    parts.push(<mark key={at}>{text.slice(at, at + needle.length)}</mark>);
    from = at + needle.length;
  }
  parts.push(text.slice(from));
  return <>{parts}</>;
}

// GET /sessions/commands?q=&kind=&after= - commands typed or run in any session the viewer may see; each opens the player at its moment.
export default async function CommandSearchPage({ searchParams }: { searchParams: Promise<Params> }) {
  const viewer = await requireViewer("/sessions/commands");
  const params = await searchParams;
  const q = (first(params.q) ?? "").trim();
  const rawKind = first(params.kind);
  const kind = rawKind === "terminal" || rawKind === "database" ? rawKind : undefined;
  const { cursor, invalid } = parseStartedCursor(params.after);
  const problems: string[] = [];
  if (invalid) problems.push("The page address was not understood; showing the first page.");
  if (rawKind && !kind) problems.push("Unknown session type; searching all of them.");
  if (q && q.length < MIN_QUERY) problems.push(`Type at least ${MIN_QUERY} characters.`);
  if (q.length > MAX_QUERY) problems.push(`Searches are limited to ${MAX_QUERY} characters.`);
  const control = hasControlCharacter(q);
  if (control) problems.push(SEARCH_CONTROL_CHARACTER);
  const searchable = q.length >= MIN_QUERY && q.length <= MAX_QUERY && !control;

  const page = searchable ? await searchSessionCommands({ viewer, q, kind, cursor }) : null;
  if (page) {
    // What an auditor looked for is part of who saw what.
    await recordAudit({
      actor: viewer,
      action: "commands.searched",
      ip: await requestIp(),
      details: { q, kind: kind ?? null, sessions: page.rows.length, after: cursor ? formatStartedCursor(cursor) : null },
    });
  }

  return (
    <>
      <div className="breadcrumb">Audit › Sessions › Command search</div>
      <div className="page-head">
        <h1>Command search</h1>
      </div>
      <p className="muted" style={{ marginTop: 0 }}>
        Commands typed or run in {viewer.role === "user" ? "your sessions" : "every session"}: terminal lines as the analysis rebuilt them from the keystrokes,
        and database statements. Masked input is never searchable.
      </p>
      <form method="get" action="/sessions/commands" className="filters" role="search" aria-label="Search commands">
        <label>
          Command contains
          <input type="search" name="q" defaultValue={q} maxLength={MAX_QUERY} placeholder="e.g. /etc/shadow, DROP TABLE" size={36} autoFocus />
        </label>
        <label>
          Type
          <select name="kind" defaultValue={kind ?? ""}>
            <option value="">All</option>
            {(Object.keys(KINDS) as CommandSearchKind[]).map((k) => (
              <option key={k} value={k}>
                {KINDS[k]}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="button">
          Search
        </button>
      </form>
      {problems.length ? (
        <div className="alert alert-warn" role="alert" style={{ marginBottom: "0.75rem" }}>
          {problems.map((p) => (
            <div key={p}>{p}</div>
          ))}
        </div>
      ) : null}
      {!page ? (
        <p className="empty">Search the commands of all recordings at once; each result opens the player at that moment.</p>
      ) : page.rows.length === 0 ? (
        <p className="empty" data-testid="no-commands">
          {cursor ? "No more sessions." : `No command containing “${q}” in any session you can see.`}
        </p>
      ) : (
        <div className="table-wrap">
          <table className="data">
            <caption className="visually-hidden">Sessions with matching commands</caption>
            <thead>
              <tr>
                <SessionSummaryHead first="Session" />
                <th>Matching commands</th>
              </tr>
            </thead>
            <tbody>
              {page.rows.map((r) => (
                <tr key={r.id} data-session-hash={r.hash}>
                  <SessionSummaryCells session={r} />
                  <td>
                    <ul className="command-hits">
                      {r.hits.map((h) => (
                        <li key={h.id}>
                          <Link href={playerHref(r.hash, h.tMs)} className="mono" title="Open the player at this moment">
                            {formatOffset(h.tMs)}
                          </Link>{" "}
                          <code>
                            <Highlighted text={h.text} q={q} />
                          </code>
                          {h.masked ? (
                            <span className="muted" title="Some keystrokes of this line were masked">
                              {" "}
                              •••
                            </span>
                          ) : null}
                        </li>
                      ))}
                      {r.matches > COMMANDS_PER_SESSION ? (
                        <li className="muted">
                          and {r.matches - COMMANDS_PER_SESSION} more in <Link href={`/sessions/${encodeURIComponent(r.hash)}/play`}>the player’s log</Link>
                        </li>
                      ) : null}
                    </ul>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {page ? (
        <nav className="pager" aria-label="Pages">
          {cursor ? (
            <Link href={searchHref(q, kind)} className="button button-small">
              « First page
            </Link>
          ) : null}
          {page.next ? (
            <Link href={searchHref(q, kind, formatStartedCursor(page.next))} className="button button-small" rel="next">
              Older ›
            </Link>
          ) : null}
        </nav>
      ) : null}
    </>
  );
}
