import Link from "next/link";
import type { Viewer } from "@/lib/auth/viewer";
import type { RemoteSession } from "@/lib/db/schema";
import { getExportForPage } from "@/lib/exports";
import { formatDuration, formatSize } from "@/lib/format";
import { GenerateVideoButton } from "./generate-video-button";

/**
 * Video of session: Size, Time and Format of the generated video and the
 * Video download button. Shown only while session video download is enabled.
 */
export async function VideoOfSessionSection({
  session,
  viewer,
}: {
  session: Pick<RemoteSession, "id" | "hash" | "status">;
  viewer: Viewer;
}) {
  const { options, export: exp } = await getExportForPage({ session, viewer });
  if (!options.enabled) return null;
  const downloadPage = `/sessions/${encodeURIComponent(session.hash)}/download`;
  return (
    <section className="panel" id="section-video-of-session" aria-labelledby="video-of-session-heading">
      <h2 id="video-of-session-heading">Video of session</h2>
      {exp?.status === "done" ? (
        <>
          <dl className="facts">
            <dt>Size</dt>
            <dd data-testid="video-size">{formatSize(exp.sizeBytes ?? 0)}</dd>
            <dt>Time</dt>
            <dd data-testid="video-time">{formatDuration(exp.durationMs ?? 0)}</dd>
            <dt>Format</dt>
            <dd data-testid="video-format">{exp.format.toUpperCase()}</dd>
          </dl>
          <div className="actions" style={{ marginTop: "1rem" }}>
            <a className="button button-primary" href={`/api/exports/${exp.id}/download`} download>
              Video download
            </a>
          </div>
        </>
      ) : exp?.status === "queued" || exp?.status === "running" ? (
        <p className="muted">
          The video is being generated ({Math.floor(exp.progress * 100)} %).{" "}
          <Link href={downloadPage}>Follow the conversion</Link>
        </p>
      ) : exp?.status === "failed" ? (
        <p className="alert alert-error">
          The last conversion failed. <Link href={downloadPage}>See why and retry</Link>
        </p>
      ) : session.status === "active" ? (
        <p className="muted">The video can be generated once the session has ended.</p>
      ) : (
        <>
          <p className="muted">No video has been generated for download yet.</p>
          <GenerateVideoButton hash={session.hash} />
        </>
      )}
    </section>
  );
}
