import type { SessionListRow } from "@/lib/db/queries/sessions";
import { formatDateTime, formatDuration, formatSize, shortHash } from "@/lib/format";
import { CRITICALITY_LABELS, PROTOCOL_LABELS, STATUS_LABELS } from "@/lib/sessions/filters";

/** The Remote sessions table; each row has an Actions menu leading to the session's report. */
/**
 * The same markup as <Time> (app/_components/time.tsx), rendered synchronously
 * with the time zone the page read once: a page of 50 rows has 100 dates, and
 * 100 async components each reading the cookie cost more than the queries.
 */
function CellTime({ date, timeZone }: { date: Date | null; timeZone: string }) {
  if (!date) return <span className="muted">—</span>;
  const iso = date.toISOString();
  return (
    <time dateTime={iso} title={iso}>
      {formatDateTime(date, timeZone)}
    </time>
  );
}

export function SessionsTable({ rows, now, timeZone }: { rows: SessionListRow[]; now: Date; timeZone: string }) {
  return (
    <div className="table-wrap">
      <table className="data dense" aria-label="Remote sessions">
        <thead>
          <tr>
            <th scope="col">ID</th>
            <th scope="col">User</th>
            <th scope="col">Credential username</th>
            <th scope="col">Host</th>
            <th scope="col">Type</th>
            <th scope="col">Start</th>
            <th scope="col">End</th>
            <th scope="col" className="num">Duration</th>
            <th scope="col" className="num">Recording size</th>
            <th scope="col" className="num">Risk score</th>
            <th scope="col">Status</th>
            <th scope="col" className="sticky-end">Actions</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((s) => (
            <tr key={s.id} data-hash={s.hash}>
              <td>
                <span className="mono" title={s.hash}>
                  {shortHash(s.hash, 8)}
                </span>
              </td>
              <td>{s.userName}</td>
              <td>{s.credentialUsername}</td>
              <td className="mono">{s.host}</td>
              <td>{PROTOCOL_LABELS[s.protocol]}</td>
              <td>
                <CellTime date={s.startedAt} timeZone={timeZone} />
              </td>
              <td>
                <CellTime date={s.endedAt} timeZone={timeZone} />
              </td>
              <td className="num" title={s.endedAt ? undefined : "Still running"}>
                {formatDuration((s.endedAt ?? now).getTime() - s.startedAt.getTime())}
              </td>
              <td className="num">{s.recordingSize > 0 ? formatSize(s.recordingSize) : <span className="muted">—</span>}</td>
              <td className="num">
                {s.riskScore}
                {s.maxCriticality ? (
                  <>
                    {" "}
                    <span className={`badge crit-${s.maxCriticality}`}>{CRITICALITY_LABELS[s.maxCriticality]}</span>
                  </>
                ) : null}
              </td>
              <td>
                <span className={`badge status-${s.status}`}>{STATUS_LABELS[s.status]}</span>
              </td>
              <td className="sticky-end">
                <details className="menu row-menu">
                  <summary className="button button-small" aria-label={`Actions for session ${shortHash(s.hash)}`}>
                    Actions
                  </summary>
                  <div className="menu-panel" role="menu">
                    {/* A plain link: no prefetch (opening the report is an audited event, a hover is not),
                        and no client component per row. */}
                    <a href={`/sessions/${encodeURIComponent(s.hash)}`} role="menuitem">
                      Video of session
                    </a>
                  </div>
                </details>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
