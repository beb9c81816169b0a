import Link from "next/link";
import type { Viewer } from "@/lib/auth/viewer";
import type { RemoteSession, VideoExport } from "@/lib/db/schema";
import { getExportForPage } from "@/lib/exports";
import { formatDuration, formatSize } from "@/lib/format";
import { GenerateVideoButton } from "./generate-video-button";

/**
 * Video of session: Size, Time and Format of the generated video and the
 * Video download button, then the clips cut in the player (range, size, time,
 * format, download). Shown only while session video download is enabled.
 */
export async function VideoOfSessionSection({
  session,
  viewer,
  announcedId,
  mayDownload = true,
}: {
  session: Pick<RemoteSession, "id" | "hash" | "status">;
  viewer: Viewer;
  /** The video an email announced (the link's ?video=). */
  announcedId?: string | null;
  /** The access rule allows this viewer a download now (else the button leads to the justification). */
  mayDownload?: boolean;
}) {
  const { options, export: exp, announced, clips } = await getExportForPage({ session, viewer, announcedId });
  if (!options.enabled) return null;
  const downloadPage = `/sessions/${encodeURIComponent(session.hash)}/download`;
  const announcedLabel = announced ? `${announced.format.toUpperCase()}, ${formatSize(announced.sizeBytes ?? 0)}` : "";
  return (
    <section className="panel" id="section-video-of-session" aria-labelledby="video-of-session-heading">
      <h2 id="video-of-session-heading">Video of session</h2>
      {announced?.status === "done" ? (
        <div data-testid="announced-video">
          <p className="muted">The video the email announced ({announcedLabel}):</p>
          <VideoFacts exp={announced} mayDownload={mayDownload} downloadPage={downloadPage} />
          {options.format !== announced.format ? (
            <p className="muted" style={{ marginTop: "1rem" }}>
              The download settings have changed since: a new video would be {options.format.toUpperCase()}.
            </p>
          ) : null}
        </div>
      ) : announced ? (
        <p className="alert alert-warn" role="note" data-testid="announced-video-gone">
          The video the email announced ({announcedLabel}) is no longer available
          {announced.status === "expired" ? ": it was deleted after its retention period" : ""}.{" "}
          {exp?.status === "done" ? "It was replaced by the video below." : "You can generate it again below."}
        </p>
      ) : null}
      {announced?.status === "done" && exp ? (
        <p className="muted" style={{ marginTop: "1rem" }}>
          With the current settings:
        </p>
      ) : null}
      {announced?.status === "done" && !exp ? null : exp?.status === "done" ? (
        <VideoFacts exp={exp} mayDownload={mayDownload} downloadPage={downloadPage} />
      ) : exp?.status === "queued" || exp?.status === "running" ? (
        <p className="muted">
          The video is being generated ({Math.floor(exp.progress * 100)} %). <Link href={downloadPage}>Follow the conversion</Link>
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
      {clips.length ? (
        <>
          <h3 style={{ marginTop: "1.25rem" }}>Clips</h3>
          <table className="data" aria-label="Clips">
            <thead>
              <tr>
                <th scope="col">Range</th>
                <th scope="col">Size</th>
                <th scope="col">Time</th>
                <th scope="col">Format</th>
                <th scope="col">Download</th>
              </tr>
            </thead>
            <tbody>
              {clips.map((clip) => (
                <tr key={clip.id} data-testid="clip">
                  <td className="mono">
                    {formatDuration(clip.clipStartMs ?? 0)} – {formatDuration(clip.clipEndMs ?? 0)}
                  </td>
                  <td>{clip.status === "done" ? formatSize(clip.sizeBytes ?? 0) : "—"}</td>
                  <td>{formatDuration(clip.status === "done" ? (clip.durationMs ?? 0) : (clip.clipEndMs ?? 0) - (clip.clipStartMs ?? 0))}</td>
                  <td>{clip.format.toUpperCase()}</td>
                  <td>
                    {clip.status === "done" ? (
                      <a className="button button-small" href={`/api/exports/${clip.id}/download`} download>
                        Clip download
                      </a>
                    ) : (
                      <span className="muted">being generated ({Math.floor(clip.progress * 100)} %)</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </section>
  );
}

/** Size, Time, Format and the download button of a finished video. */
function VideoFacts({
  exp,
  mayDownload,
  downloadPage,
}: {
  exp: Pick<VideoExport, "id" | "sizeBytes" | "durationMs" | "format">;
  mayDownload: boolean;
  downloadPage: string;
}) {
  return (
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
        {mayDownload ? (
          <a className="button button-primary" href={`/api/exports/${exp.id}/download`} download>
            Video download
          </a>
        ) : (
          <Link className="button button-primary" href={downloadPage} prefetch={false}>
            Video download (needs a justification)
          </Link>
        )}
      </div>
    </>
  );
}
