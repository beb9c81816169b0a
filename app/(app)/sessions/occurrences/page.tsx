import Link from "next/link";
import { SessionSummaryCells, SessionSummaryHead } from "../_components/session-summary";
import { requireViewer } from "@/lib/auth/viewer";
import { listSessionsWithFindings } from "@/lib/analysis/queries/findings";
import { CRITICALITY_LABELS } from "@/lib/domain/rules";
import { formatStartedCursor, parseStartedCursor } from "@/lib/sessions/page-cursor";

export const metadata = { title: "Sessions with occurrences detected · Session Video" };

// GET /sessions/occurrences - the sessions where an audited command was detected, newest first.
export default async function OccurrencesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const viewer = await requireViewer("/sessions/occurrences");
  const { cursor, invalid } = parseStartedCursor((await searchParams).after);
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
          <table className="data">
            <caption className="visually-hidden">Sessions with occurrences detected</caption>
            <thead>
              <tr>
                <SessionSummaryHead />
                <th>Findings</th>
                <th>Risk score</th>
                <th>Max. criticality</th>
              </tr>
            </thead>
            <tbody>
              {page.rows.map((r) => (
                <tr key={r.id} data-session-hash={r.hash}>
                  <SessionSummaryCells session={r} />
                  <td>{r.findings}</td>
                  <td>{r.riskScore}</td>
                  <td>{r.maxCriticality ? <span className={`badge crit-${r.maxCriticality}`}>{CRITICALITY_LABELS[r.maxCriticality]}</span> : null}</td>
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
          <Link href={`/sessions/occurrences?after=${formatStartedCursor(page.next)}`} className="button button-small" rel="next">
            Older ›
          </Link>
        ) : null}
      </nav>
    </>
  );
}
