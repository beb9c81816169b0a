import Link from "next/link";
import { Time } from "@/app/_components/time";
import { requireAdmin } from "@/lib/auth/viewer";
import { listNodes, listSynchronizingRecordings, SILENT_AFTER_MS, summarizeHeldChunksByNode } from "@/lib/cluster";
import { env } from "@/lib/env";
import { formatDuration, formatSize, shortHash } from "@/lib/format";
import { getStorage } from "@/lib/storage";
import { RefreshWhile } from "../../sessions/[hash]/play/refresh-while";

export const metadata = { title: "Cluster · Session Video" };
export const dynamic = "force-dynamic";

// GET /settings/cluster - the nodes of the cluster, the shared store's health and the recordings still synchronizing; admins only.
export default async function ClusterPage() {
  await requireAdmin("/settings/cluster");
  const storage = getStorage();
  const [nodes, held, synchronizing, health] = await Promise.all([
    listNodes(),
    summarizeHeldChunksByNode(),
    listSynchronizingRecordings({ limit: 100 }),
    storage.health(),
  ]);
  const heldBy = new Map(held.map((h) => [h.node, h]));
  const now = new Date().getTime();
  return (
    <>
      <div className="breadcrumb">Settings › Cluster</div>
      <div className="page-head">
        <h1>Cluster</h1>
      </div>
      <p className="muted">
        Every node shares the database and, with <code>STORAGE=s3</code>, one S3-compatible store for the recordings. A chunk that a node could not put in the
        store is kept on that node&apos;s disk and copied as soon as the store answers: until then it exists on that disk only. This page updates by itself.
      </p>

      <section className="panel" aria-labelledby="cluster-store">
        <h2 id="cluster-store">Shared store</h2>
        <dl className="facts" data-testid="store-health" data-ok={health.ok ? "1" : "0"}>
          <dt>Storage</dt>
          <dd>
            <code>{storage.describe()}</code>
          </dd>
          <dt>Seen from this node ({env.NODE_NAME})</dt>
          <dd>
            {health.ok ? (
              <span className="badge status-closed">Answering</span>
            ) : (
              <span className="badge status-failed" role="alert">
                Not answering
              </span>
            )}{" "}
            <span className="muted">
              {health.latencyMs} ms{health.error ? ` · ${health.error}` : ""}
            </span>
          </dd>
        </dl>
      </section>

      <section className="panel" aria-labelledby="cluster-nodes">
        <h2 id="cluster-nodes">Nodes</h2>
        {nodes.length === 0 ? (
          <p className="empty">No node has registered yet.</p>
        ) : (
          <div className="table-wrap">
            <table className="data" data-testid="cluster-nodes">
              <caption className="visually-hidden">Nodes of the cluster</caption>
              <thead>
                <tr>
                  <th scope="col">Node</th>
                  <th scope="col">URL</th>
                  <th scope="col">Last heartbeat</th>
                  <th scope="col">Version</th>
                  <th scope="col">Worker</th>
                  <th scope="col">Store as it sees it</th>
                  <th scope="col">Chunks waiting to synchronize</th>
                </tr>
              </thead>
              <tbody>
                {nodes.map((n) => {
                  const silent = n.stoppedAt !== null || now - n.heartbeatAt.getTime() > SILENT_AFTER_MS;
                  const h = heldBy.get(n.name);
                  return (
                    <tr key={n.name} data-node={n.name} data-held={h?.chunks ?? 0}>
                      <td>
                        <strong>{n.name}</strong>{" "}
                        {n.stoppedAt ? (
                          <span className="badge">Stopped</span>
                        ) : silent ? (
                          <span className="badge status-failed">Silent</span>
                        ) : (
                          <span className="badge status-closed">Up</span>
                        )}
                      </td>
                      <td>{n.url ? <span className="mono">{n.url}</span> : "—"}</td>
                      <td>
                        <Time date={n.heartbeatAt} /> <span className="muted">({formatDuration(Math.max(0, now - n.heartbeatAt.getTime()))} ago)</span>
                      </td>
                      <td>{n.version}</td>
                      <td>{n.workerRunning && !n.stoppedAt ? "Running" : "No"}</td>
                      <td>
                        {n.storeOk === null ? (
                          "—"
                        ) : n.storeOk ? (
                          `Answering (${n.storeLatencyMs ?? "?"} ms)`
                        ) : (
                          <span role="alert">Not answering: {n.storeError}</span>
                        )}
                      </td>
                      <td>
                        {h ? (
                          <>
                            {h.chunks} ({formatSize(h.bytes)}) since <Time date={h.since} />
                            {h.lastError ? <div className="muted">Last failure: {h.lastError}</div> : null}
                          </>
                        ) : (
                          "None"
                        )}
                      </td>
                    </tr>
                  );
                })}
                {held
                  .filter((h) => !nodes.some((n) => n.name === h.node))
                  .map((h) => (
                    <tr key={h.node} data-node={h.node} data-held={h.chunks}>
                      <td>
                        <strong>{h.node}</strong> <span className="badge status-failed">Never registered</span>
                      </td>
                      <td colSpan={5}>—</td>
                      <td>
                        {h.chunks} ({formatSize(h.bytes)}) since <Time date={h.since} />
                      </td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section className="panel" aria-labelledby="cluster-sync">
        <h2 id="cluster-sync">Recordings synchronizing</h2>
        {synchronizing.length === 0 ? (
          <p className="empty">Every recorded chunk is in the shared store.</p>
        ) : (
          <div className="table-wrap">
            <table className="data" data-testid="cluster-synchronizing">
              <caption className="visually-hidden">Recordings synchronizing</caption>
              <thead>
                <tr>
                  <th scope="col">Session</th>
                  <th scope="col">Recording</th>
                  <th scope="col">Held by</th>
                  <th scope="col">Chunks</th>
                  <th scope="col">Since</th>
                  <th scope="col">Last failure</th>
                </tr>
              </thead>
              <tbody>
                {synchronizing.map((r) => (
                  <tr key={`${r.recordingId}:${r.node}`} data-session={r.sessionHash}>
                    <td>
                      <Link href={`/sessions/${encodeURIComponent(r.sessionHash)}`} className="mono">
                        {shortHash(r.sessionHash)}
                      </Link>
                    </td>
                    <td>{r.status}</td>
                    <td>{r.node}</td>
                    <td>
                      {r.chunks} ({formatSize(r.bytes)})
                    </td>
                    <td>
                      <Time date={r.since} />
                    </td>
                    <td className="muted">{r.lastError ?? "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <RefreshWhile everyMs={5000} />
    </>
  );
}
