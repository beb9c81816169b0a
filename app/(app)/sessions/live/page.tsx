import Link from "next/link";
import { viewerTimeZone } from "@/app/_components/time";
import { requireViewer } from "@/lib/auth/viewer";
import { CRITICALITY_LABELS } from "@/lib/domain/rules";
import { PROTOCOL_LABELS } from "@/lib/domain/sessions";
import { formatDateTime, formatDuration, shortHash } from "@/lib/format";
import { listActiveSessions } from "@/lib/live";
import { RefreshWhile } from "../[hash]/play/refresh-while";

export const metadata = { title: "Live sessions · Session Video" };
export const dynamic = "force-dynamic";

// GET /sessions/live - the sessions being recorded now; the list follows them by itself
export default async function LiveSessionsPage() {
  const viewer = await requireViewer("/sessions/live");
  const [rows, timeZone] = await Promise.all([listActiveSessions({ viewer }), viewerTimeZone()]);
  const now = new Date().getTime();
  return (
    <>
      <div className="breadcrumb">Audit › Sessions › Live sessions</div>
      <div className="page-head">
        <h1>Live sessions</h1>
        <p className="muted">Sessions being recorded now. This list updates by itself; open one to watch it at the live edge.</p>
      </div>
      {rows.length ? (
        <div className="table-wrap">
          <table className="data dense" aria-label="Live sessions">
            <thead>
              <tr>
                <th scope="col">ID</th>
                <th scope="col">User</th>
                <th scope="col">Host</th>
                <th scope="col">Type</th>
                <th scope="col">Start</th>
                <th scope="col" className="num">
                  Duration so far
                </th>
                <th scope="col" className="num">
                  Risk so far
                </th>
                <th scope="col">Node</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((s) => (
                <tr key={s.id} data-hash={s.hash}>
                  <td className="mono" title={s.hash}>
                    <Link href={`/sessions/${encodeURIComponent(s.hash)}`}>{shortHash(s.hash, 8)}</Link>
                  </td>
                  <td>{s.userName}</td>
                  <td className="mono">
                    {s.credentialUsername}@{s.host}
                  </td>
                  <td>{PROTOCOL_LABELS[s.protocol]}</td>
                  <td>
                    <time dateTime={s.startedAt.toISOString()}>{formatDateTime(s.startedAt, timeZone)}</time>
                  </td>
                  <td className="num" data-testid="live-duration">
                    {formatDuration(Math.max(0, now - s.startedAt.getTime()))}
                  </td>
                  <td className="num">
                    {s.riskScore}
                    {s.maxCriticality ? (
                      <>
                        {" "}
                        <span className={`badge crit-${s.maxCriticality}`}>{CRITICALITY_LABELS[s.maxCriticality]}</span>
                      </>
                    ) : null}
                  </td>
                  <td>{s.clusterNode ?? <span className="muted">—</span>}</td>
                  <td>
                    <Link className="button button-small" href={`/sessions/${encodeURIComponent(s.hash)}/play`}>
                      Watch live
                    </Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <div className="table-wrap">
          <div className="empty">
            <p>No session is being recorded right now. Sessions appear here as soon as a proxy starts one.</p>
          </div>
        </div>
      )}
      <RefreshWhile everyMs={3000} />
    </>
  );
}
