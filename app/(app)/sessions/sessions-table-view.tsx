"use client";

import { Fragment } from "react";
import { Menu } from "@/app/_components/menu";

/** One row of the Remote sessions table, every cell already formatted by the server. */
export type SessionsTableRow = {
  id: number;
  hash: string;
  short: string;
  user: string;
  credential: string;
  host: string;
  type: string;
  /** [ISO time, time in the viewer's zone] */
  start: [string, string];
  end: [string, string] | null;
  duration: string;
  size: string | null;
  risk: number;
  /** [criticality, label] */
  criticality: [string, string] | null;
  /** [status, label] */
  status: [string, string];
  /** On legal hold (lib/retention). */
  held: boolean;
  /** [verdict, label] of the latest review, or null when never reviewed */
  verdict: [string, string] | null;
};

const VERDICT_BADGE: Record<string, string> = { no_issue: "status-closed", suspicious: "crit-medium", incident: "crit-high" };

/** Text that may wrap after a dot, a backslash or an @ (host names, DOMAIN\user), never inside a word. */
function Breakable({ text }: { text: string }) {
  const parts = text.split(/(?<=[.\\@])/);
  return (
    <>
      {parts.map((part, i) => (
        <Fragment key={i}>
          {i > 0 ? <wbr /> : null}
          {part}
        </Fragment>
      ))}
    </>
  );
}

/** Date over time of day, so that the table fits a laptop screen (the text still reads "date time"). */
function CellTime({ time }: { time: [string, string] | null }) {
  if (!time) return <span className="muted">—</span>;
  const gap = time[1].indexOf(" ");
  return (
    <time dateTime={time[0]} title={time[0]} className="stacked-time">
      {gap < 0 ? (
        time[1]
      ) : (
        <>
          {time[1].slice(0, gap)} <span>{time[1].slice(gap + 1)}</span>
        </>
      )}
    </time>
  );
}

/**
 * The Remote sessions table; each row has an Actions menu leading to the
 * session's report. The Review column only for those who review (a user does
 * not learn the verdicts of their own sessions).
 */
export function SessionsTableView({ rows, showReview }: { rows: SessionsTableRow[]; showReview: boolean }) {
  return (
    <div className="table-wrap">
      <table className="data dense">
        <caption className="visually-hidden">Remote sessions</caption>
        <thead>
          <tr>
            <th scope="col">ID</th>
            <th scope="col">User</th>
            <th scope="col">Credential username</th>
            <th scope="col">Host</th>
            <th scope="col">Type</th>
            <th scope="col">Start</th>
            <th scope="col">End</th>
            <th scope="col" className="num">
              Duration
            </th>
            <th scope="col" className="num">
              Recording size
            </th>
            <th scope="col" className="num">
              Risk score
            </th>
            <th scope="col">Status</th>
            {showReview ? <th scope="col">Review</th> : null}
            <th scope="col" className="sticky-end">
              Actions
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((s) => (
            <tr key={s.id} data-hash={s.hash}>
              <td>
                <span className="mono" title={s.hash}>
                  {s.short}
                </span>
                {s.held ? (
                  <>
                    {" "}
                    <span className="badge badge-hold" title="On legal hold: never deleted while the hold is in force">
                      Hold
                    </span>
                  </>
                ) : null}
              </td>
              <td>{s.user}</td>
              <td className="breakable">
                <Breakable text={s.credential} />
              </td>
              <td className="breakable host">
                <Breakable text={s.host} />
              </td>
              <td>{s.type}</td>
              <td>
                <CellTime time={s.start} />
              </td>
              <td>
                <CellTime time={s.end} />
              </td>
              <td className="num" title={s.end ? undefined : "Still running"}>
                {s.duration}
              </td>
              <td className="num">{s.size ?? <span className="muted">—</span>}</td>
              <td className="num risk">
                {s.risk}
                {s.criticality ? (
                  <>
                    {" "}
                    <span className={`badge crit-${s.criticality[0]}`}>{s.criticality[1]}</span>
                  </>
                ) : null}
              </td>
              <td>
                <span className={`badge status-${s.status[0]}`}>{s.status[1]}</span>
              </td>
              {showReview ? (
                <td data-testid="row-verdict">
                  {s.verdict ? <span className={`badge ${VERDICT_BADGE[s.verdict[0]] ?? ""}`}>{s.verdict[1]}</span> : <span className="muted">—</span>}
                </td>
              ) : null}
              <td className="sticky-end">
                <Menu label="Actions" name={`Actions for session ${s.hash.slice(0, 10)}`} className="row-menu" buttonClassName="button button-small">
                  {/* A plain link: no prefetch (opening the report is an audited event, a hover is not). */}
                  <a href={`/sessions/${encodeURIComponent(s.hash)}`} role="menuitem">
                    Video of session
                  </a>
                </Menu>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
