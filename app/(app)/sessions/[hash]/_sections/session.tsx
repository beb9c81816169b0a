import Link from "next/link";
import { GenerateVideoButton } from "./generate-video-button";
import { getParameter } from "@/lib/settings/queries";
import { formatDuration, formatSize } from "@/lib/format";
import { PARAMETERS } from "@/lib/settings/parameters";
import { hasRecording, recordedBytes, type SessionReport } from "@/lib/sessions/report";

const DOWNLOAD_PARAMETER = "remote_session.video_download_enabled";

/** Session: size and time of the recording, and the ways to watch it or get it as a file. */
export async function SessionSection({ report }: { report: SessionReport }) {
  const { session, viewer } = report;
  const downloadEnabled = await getParameter({ key: DOWNLOAD_PARAMETER });
  const active = session.status === "active";
  const recorded = hasRecording(report);
  const bytes = recordedBytes(report);
  const path = `/sessions/${encodeURIComponent(session.hash)}`;
  const time = formatDuration((session.endedAt ?? new Date()).getTime() - session.startedAt.getTime());

  return (
    <section className="panel" aria-labelledby="section-session">
      <h2 id="section-session">Session</h2>
      {active ? (
        <p className="alert alert-info" style={{ marginBottom: "0.75rem" }}>
          This session is still active and being recorded: its size and time grow until it ends.
        </p>
      ) : null}
      <dl className="facts">
        <dt>Size</dt>
        <dd data-testid="recording-size">{bytes === null ? <span className="muted">No recording</span> : formatSize(bytes)}</dd>
        <dt>Time</dt>
        <dd>
          {time}
          {active ? <span className="muted"> so far</span> : null}
        </dd>
      </dl>
      <div style={{ marginTop: "1rem" }}>
        {!recorded ? (
          <p className="alert alert-warn" role="note">
            {session.status === "failed"
              ? "No recording: the connection failed before anything was recorded, so there is no video to watch or download."
              : active
                ? "No recording has arrived for this session yet."
                : "No recording was received for this session, so there is no video to watch or download."}
          </p>
        ) : (
          <div className="actions">
            <Link href={`${path}/play`} className="button button-primary" prefetch={false}>
              ▶ Video
            </Link>
            {downloadEnabled && !active ? (
              <GenerateVideoButton hash={session.hash} />
            ) : (
              <>
                <button type="button" className="button" disabled aria-describedby="download-disabled-reason">
                  Generate video for download
                </button>
                <span id="download-disabled-reason" className="muted">
                  {!downloadEnabled
                    ? `Video download is turned off (system parameter “${PARAMETERS[DOWNLOAD_PARAMETER].label}”).`
                    : "Available once the session has ended."}
                  {!downloadEnabled && viewer.role === "admin" ? (
                    <>
                      {" "}
                      <Link href="/settings/parameters">Change it in System parameters</Link>
                    </>
                  ) : !downloadEnabled ? (
                    " An administrator can turn it on."
                  ) : null}
                </span>
              </>
            )}
          </div>
        )}
      </div>
    </section>
  );
}
