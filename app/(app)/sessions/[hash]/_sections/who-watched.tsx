import { Time } from "@/app/_components/time";
import type { RemoteSession } from "@/lib/db/schema";
import { listWatches } from "@/lib/review";

const WHAT: Record<string, string> = {
  "session.report_viewed": "Viewed the report",
  "session.played": "Played the video",
  "session.downloaded": "Downloaded the video",
};

/** Who watched: every view of the report, play and download of this session, from the audit trail (who, when, from where). */
export async function WhoWatchedSection({ session }: { session: Pick<RemoteSession, "hash"> }) {
  const { entries, total } = await listWatches({ hash: session.hash });
  return (
    <section className="panel" aria-labelledby="section-who-watched" data-testid="who-watched-section">
      <h2 id="section-who-watched">Who watched</h2>
      {!entries.length ? (
        <p className="muted">Nobody yet.</p>
      ) : (
        <>
          <div className="table-wrap">
            <table className="data" aria-label="Who watched">
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Who</th>
                  <th scope="col">What</th>
                  <th scope="col">From</th>
                </tr>
              </thead>
              <tbody>
                {entries.map((e) => {
                  const details = (e.details ?? {}) as Record<string, unknown>;
                  return (
                    <tr key={e.id} data-testid="watch-row">
                      <td>
                        <Time date={e.at} />
                      </td>
                      <td>
                        {e.actorEmail ?? <span className="muted">unknown</span>}
                        {details.via === "share-link" ? (
                          <span className="badge" style={{ marginLeft: "0.4rem" }}>
                            assessor link
                          </span>
                        ) : null}
                      </td>
                      <td>
                        {WHAT[e.action] ?? e.action}
                        {typeof details.t === "number" && details.t > 0 ? <span className="muted"> from {details.t} s</span> : null}
                        {typeof details.range === "string" ? <span className="muted"> (bytes {details.range})</span> : null}
                      </td>
                      <td className="mono">{e.ip ?? "—"}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          {total > entries.length ? (
            <p className="muted">
              The latest {entries.length} of {total}; the audit trail has them all.
            </p>
          ) : null}
        </>
      )}
    </section>
  );
}
