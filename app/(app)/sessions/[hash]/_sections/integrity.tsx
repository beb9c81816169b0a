import { Time } from "@/app/_components/time";
import { getHeldChunksOfRecording } from "@/lib/cluster";
import { formatDuration, formatSize } from "@/lib/format";
import type { SessionReport } from "@/lib/sessions/report";
import { VerifyNowButton } from "./integrity-verify-button";

const RECORDING_STATUS: Record<string, { label: string; badge: string }> = {
  receiving: { label: "Receiving", badge: "status-active" },
  incomplete: { label: "Incomplete", badge: "status-failed" },
  processing: { label: "Processing", badge: "status-active" },
  ready: { label: "Ready", badge: "status-closed" },
  failed: { label: "Failed", badge: "status-failed" },
};

/**
 * Recording and integrity: the state of the recording as received, what
 * ffprobe found in it, and whether its chunks still match their hashes.
 * The caller has already checked that `viewer` may see the session (an
 * assessor of a sharing link has no viewer: the section is read-only).
 */
export async function IntegritySection({
  report: { session, recording, viewer },
}: {
  report: Omit<SessionReport, "viewer"> & { viewer?: SessionReport["viewer"] };
}) {
  const held = recording ? await getHeldChunksOfRecording({ recordingId: recording.id }) : [];
  const status = recording ? (RECORDING_STATUS[recording.status] ?? { label: recording.status, badge: "" }) : null;
  return (
    <section className="panel" aria-labelledby="section-integrity" data-testid="integrity-section">
      <h2 id="section-integrity">Recording and integrity</h2>
      {!recording ? (
        <p className="muted">No media was received for this session.</p>
      ) : (
        <>
          <dl className="facts">
            <dt>Recording</dt>
            <dd>
              <span className={`badge ${status?.badge ?? ""}`} data-recording-status={recording.status}>
                {status?.label}
              </span>
              {recording.statusReason ? <span className="muted"> {recording.statusReason}</span> : null}
              {recording.status === "processing" ? <span className="muted"> Reading the media…</span> : null}
            </dd>
            <dt>Received</dt>
            <dd>
              {formatSize(recording.sizeBytes)}
              {recording.expectedChunks !== null ? <span className="muted"> in {recording.expectedChunks} chunks</span> : null}
              {recording.receivedBy ? (
                <span className="muted" data-testid="received-by">
                  {" "}
                  by node {recording.receivedBy}
                </span>
              ) : null}
            </dd>
            {held.length > 0 ? (
              <>
                <dt>Not in the shared store</dt>
                <dd data-testid="held-chunks">
                  {held.map((h) => (
                    <div key={h.node}>
                      {h.chunks} chunk{h.chunks === 1 ? "" : "s"} ({formatSize(h.bytes)}) on the disk of node <strong>{h.node}</strong> only, since{" "}
                      <Time date={h.since} />
                      {h.lastError ? <span className="muted">. Last copy attempt: {h.lastError}</span> : null}
                    </div>
                  ))}
                </dd>
              </>
            ) : null}
            {recording.probed ? (
              <>
                <dt>Duration</dt>
                <dd>{recording.durationMs !== null ? formatDuration(recording.durationMs) : "—"}</dd>
                <dt>Resolution</dt>
                <dd>{recording.width && recording.height ? `${recording.width} × ${recording.height}` : "—"}</dd>
                <dt>Codecs</dt>
                <dd>
                  {[recording.videoCodec, recording.audioCodec].filter(Boolean).join(" + ") || "—"}
                  {recording.container ? <span className="muted"> ({recording.container})</span> : null}
                </dd>
                <dt>Audio</dt>
                <dd>{recording.hasAudio ? "Yes" : "No"}</dd>
              </>
            ) : null}
            <dt>Integrity</dt>
            <dd data-integrity-status={recording.integrityStatus}>
              {recording.integrityStatus === "verified" ? (
                <span>
                  <span className="badge status-closed">Verified</span>{" "}
                  <span className="muted">
                    last checked <Time date={recording.integrityCheckedAt} />
                  </span>
                </span>
              ) : recording.integrityStatus === "mismatch" ? (
                <span role="alert">
                  <span className="badge status-failed">Mismatch</span>{" "}
                  {recording.integrityFirstBadChunk !== null ? `First chunk that does not match: ${recording.integrityFirstBadChunk}. ` : null}
                  <span className="muted">
                    {recording.integrityDetail} (checked <Time date={recording.integrityCheckedAt} />)
                  </span>
                </span>
              ) : (
                <span className="muted">Not checked yet</span>
              )}
            </dd>
            {recording.chainHead ? (
              <>
                <dt>Hash chain head</dt>
                <dd>
                  <code title="SHA-256 chain over the chunks in order">{recording.chainHead}</code>
                </dd>
              </>
            ) : null}
          </dl>
          {viewer?.role === "admin" ? (
            <div style={{ marginTop: "0.75rem" }}>
              <VerifyNowButton sessionId={session.id} path={`/sessions/${session.hash}`} />
            </div>
          ) : null}
        </>
      )}
    </section>
  );
}
