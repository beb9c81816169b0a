import Link from "next/link";
import { Time } from "@/app/_components/time";
import { requireViewer } from "@/lib/auth/viewer";
import { listSessionsWithFindings, type OccurrencesCursor } from "@/lib/db/queries/findings";
import { shortHash } from "@/lib/format";
import { CRITICALITY_LABELS, PROTOCOL_LABELS } from "@/lib/sessions/filters";

export const metadata = { title: "Sessions with occurrences detected · Session Video" };

/** `?after=<µs>_<id>`: the last row of the previous page; anything else is the first page. */
function parseCursor(raw: string | string[] | undefined): { cursor: OccurrencesCursor | null; invalid: boolean } {
  if (raw === undefined) return { cursor: null, invalid: false };
  const match = typeof raw === "string" && raw.length <= 60 ? /^(-?\d{1,18})_(\d{1,18})$/.exec(raw) : null;
  if (!match) return { cursor: null, invalid: true };
  const startedAtUs = Number(match[1]);
  const id = Number(match[2]);
  if (!Number.isSafeInteger(startedAtUs) || !Number.isSafeInteger(id)) return { cursor: null, invalid: true };
  return { cursor: { startedAtUs, id }, invalid: false };
}

// GET /sessions/occurrences - the sessions where an audited command was detected, newest first.
export default async function OccurrencesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const viewer = await requireViewer("/sessions/occurrences");
  const { cursor, invalid } = parseCursor((await searchParams).after);
  const page = await listSessionsWithFindings({ viewer, cursor });
  return (
    <>
      <div className="breadcrumb">Audit › Sessions › Sessions with occurrences detected</div>
      <div className="page-head">
        <h1>Sessions with occurrences detected</h1>
        {viewer.role === "user" ? <p className="muted">Only the sessions you performed are listed.</p> : null}
      </div>
      {invalid ? (
        <div className="alert alert-warn" role="alert" style={{ marginBottom: "0.75rem" }}>
          The page address was not understood; showing the first page.
        </div>
      ) : null}
      {page.rows.length === 0 ? (
        <p className="empty" data-testid="no-occurrences">
          {cursor ? "No more sessions." : "No audited command has been detected in any session you can see."}
        </p>
      ) : (
        <div className="table-wrap">
          <table className="data" aria-label="Sessions with occurrences detected">
            <thead>
              <tr>
                <th>ID</th>
                <th>User</th>
                <th>Host</th>
                <th>Type</th>
                <th>Start</th>
                <th>Findings</th>
                <th>Risk score</th>
                <th>Max. criticality</th>
              </tr>
            </thead>
            <tbody>
              {page.rows.map((r) => (
                <tr key={r.id} data-session-hash={r.hash}>
                  <td>
                    <Link href={`/sessions/${encodeURIComponent(r.hash)}`} className="mono" title={r.hash}>
                      {shortHash(r.hash)}
                    </Link>
                  </td>
                  <td>
                    {r.userName}
                    {r.credentialUsername ? <span className="muted"> as {r.credentialUsername}</span> : null}
                  </td>
                  <td>{r.host}</td>
                  <td>{PROTOCOL_LABELS[r.protocol]}</td>
                  <td>
                    <Time date={r.startedAt} />
                  </td>
                  <td>{r.findings}</td>
                  <td>{r.riskScore}</td>
                  <td>
                    {r.maxCriticality ? (
                      <span className={`badge crit-${r.maxCriticality}`}>{CRITICALITY_LABELS[r.maxCriticality]}</span>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav className="pager" aria-label="Pages">
        {cursor ? (
          <Link href="/sessions/occurrences" className="button button-small">
            « First page
          </Link>
        ) : null}
        {page.next ? (
          <Link href={`/sessions/occurrences?after=${page.next.startedAtUs}_${page.next.id}`} className="button button-small" rel="next">
            Older ›
          </Link>
        ) : null}
      </nav>
    </>
  );
}
