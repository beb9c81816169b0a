import type { Metadata } from "next";
import Link from "next/link";
import { Time } from "@/app/_components/time";
import { listDecidedAccessRequests, listPendingAccessRequests } from "@/lib/access";
import { requireAdmin } from "@/lib/auth/viewer";
import { shortHash } from "@/lib/format";
import { getParameters } from "@/lib/settings/queries";
import { DecideForm } from "./decide-form";

export const metadata: Metadata = { title: "Access requests" };

// GET /settings/access-requests - requests to view session videos waiting for an administrator, and the latest decisions.
export default async function AccessRequestsPage() {
  const admin = await requireAdmin("/settings/access-requests");
  const [pending, decided, [justification, approval]] = await Promise.all([
    listPendingAccessRequests(),
    listDecidedAccessRequests(),
    getParameters({ keys: ["remote_session.require_justification", "remote_session.require_approval"] }),
  ]);
  const now = new Date();
  return (
    <>
      <div className="breadcrumb">Administration › Access requests</div>
      <div className="page-head">
        <h1>Access requests</h1>
        <span className="muted">
          {justification!.value
            ? approval!.value
              ? "A justification and an approval are required to view session videos."
              : "A justification is required; requests are approved as they are made."
            : "No justification is required to view session videos now."}{" "}
          <Link href="/settings/parameters">System parameters</Link>
        </span>
      </div>

      <section className="panel" aria-labelledby="pending-title">
        <h2 id="pending-title">Waiting for a decision ({pending.length})</h2>
        {!pending.length ? (
          <p className="muted">No request is waiting.</p>
        ) : (
          <div className="table-wrap">
            <table className="data" aria-label="Pending access requests">
              <thead>
                <tr>
                  <th scope="col">Asked</th>
                  <th scope="col">Who</th>
                  <th scope="col">Session</th>
                  <th scope="col">Reason</th>
                  <th scope="col">Decision</th>
                </tr>
              </thead>
              <tbody>
                {pending.map((r) => (
                  <tr key={r.request.id} data-testid="pending-request" style={{ verticalAlign: "top" }}>
                    <td>
                      <Time date={r.request.createdAt} />
                    </td>
                    <td>
                      {r.requesterName}
                      <div className="muted">{r.requesterEmail}</div>
                    </td>
                    <td>
                      <a href={`/sessions/${encodeURIComponent(r.hash)}`} className="mono" title={r.hash}>
                        {shortHash(r.hash)}
                      </a>
                      <div className="muted">
                        {r.protocol.toUpperCase()} · {r.userName} → {r.host}
                      </div>
                    </td>
                    <td style={{ whiteSpace: "pre-wrap", minWidth: "12rem" }}>
                      {r.request.reason}
                      {r.request.ticket ? <div className="muted">Ticket {r.request.ticket}</div> : null}
                    </td>
                    <td style={{ minWidth: "16rem" }}>
                      {r.request.requesterId === admin.id ? (
                        <span className="muted">Your own request: another administrator decides it.</span>
                      ) : (
                        <DecideForm id={r.request.id} requester={r.requesterEmail} />
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section className="panel" aria-labelledby="decided-title">
        <h2 id="decided-title">Latest decisions</h2>
        {!decided.length ? (
          <p className="muted">None yet.</p>
        ) : (
          <div className="table-wrap">
            <table className="data" aria-label="Decided access requests">
              <thead>
                <tr>
                  <th scope="col">Asked</th>
                  <th scope="col">Who</th>
                  <th scope="col">Session</th>
                  <th scope="col">Reason</th>
                  <th scope="col">Decision</th>
                  <th scope="col">Access until</th>
                </tr>
              </thead>
              <tbody>
                {decided.map((r) => (
                  <tr key={r.request.id}>
                    <td>
                      <Time date={r.request.createdAt} />
                    </td>
                    <td>{r.requesterEmail}</td>
                    <td className="mono" title={r.hash}>
                      {shortHash(r.hash)}
                    </td>
                    <td style={{ whiteSpace: "pre-wrap" }}>
                      {r.request.reason}
                      {r.request.ticket ? <span className="muted"> (ticket {r.request.ticket})</span> : null}
                    </td>
                    <td>
                      {r.request.status === "approved" ? "Approved" : "Denied"}
                      {r.deciderEmail ? <span className="muted"> by {r.deciderEmail}</span> : <span className="muted"> (no approval required)</span>}
                      {r.request.decisionComment ? <div style={{ whiteSpace: "pre-wrap" }}>“{r.request.decisionComment}”</div> : null}
                    </td>
                    <td>
                      {r.request.expiresAt ? (
                        <>
                          <Time date={r.request.expiresAt} />
                          {r.request.expiresAt <= now ? <span className="muted"> (ended)</span> : null}
                        </>
                      ) : (
                        "—"
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
