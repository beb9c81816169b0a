import Link from "next/link";
import { notFound } from "next/navigation";
import { getViewerAccess } from "@/lib/access";
import { requireViewer } from "@/lib/auth/viewer";
import { getSessionForPage } from "@/lib/sessions/access";
import { getUserById } from "@/lib/users/queries";
import { DOWNLOAD_DISABLED, getExportForPage } from "@/lib/exports";
import { formatDuration, formatSize, shortHash } from "@/lib/format";
import { isDatabaseProtocol, isSessionHash } from "@/lib/domain/sessions";
import { Time } from "@/app/_components/time";
import { GenerateVideoButton } from "../_sections/generate-video-button";
import { AccessGate } from "../_review/access-gate";
import { CancelExportButton } from "./cancel-button";
import { ExportProgress } from "./export-progress";

export const metadata = { title: "Generate video for download · Session Video" };

const FORMAT_LABELS = {
  mp4: "MP4 (H.264 video, AAC audio, fast start: plays in every browser and player)",
  webm: "WebM (VP9 video, Opus audio)",
} as const;

const EMAIL_LABELS = {
  pending: "being sent",
  sent: "sent",
  outbox: "kept in the email outbox (no email service is configured)",
  failed: "not sent yet (retrying)",
} as const;

// GET /sessions/[hash]/download - the screen that follows the generation of the video for download.
export default async function DownloadPage({ params }: { params: Promise<{ hash: string }> }) {
  const { hash } = await params;
  const viewer = await requireViewer(isSessionHash(hash) ? `/sessions/${hash}/download` : "/sessions");
  if (!isSessionHash(hash)) notFound();
  const session = await getSessionForPage({ hash, viewer, asked: "download page" });
  if (!session) notFound();
  const [{ options, export: exp, ownEmail }, access] = await Promise.all([getExportForPage({ session, viewer }), getViewerAccess({ viewer, session })]);
  const reportPath = `/sessions/${encodeURIComponent(session.hash)}`;
  const ownExport = !!exp && exp.requestedBy === viewer.id;
  // A user sees their own sessions, never who reviews or exports them: only auditors and admins learn who asked.
  const mayKnowWhoAsked = viewer.role !== "user" || ownExport;
  const requester = exp && mayKnowWhoAsked ? await getUserById({ id: exp.requestedBy }) : null;
  const requesterEmail = requester?.email ?? "the person who asked for it";
  // Someone who asked while another person's conversion of the same video ran is emailed too.
  const emailTo = !exp || ownExport ? viewer.email : ownEmail ? (mayKnowWhoAsked ? `${viewer.email} and ${requesterEmail}` : viewer.email) : requesterEmail;
  // Someone else's email (its status, its error) is theirs: a user sees only their own.
  const email = ownEmail ?? (exp && mayKnowWhoAsked ? { emailStatus: exp.emailStatus, emailError: exp.emailError } : null);
  const canCancel = !!exp && (exp.requestedBy === viewer.id || viewer.role === "admin");
  const format = exp?.format ?? options.format;
  const watermark = exp?.watermark ?? options.watermark;

  return (
    <>
      <div className="breadcrumb">
        Audit › Sessions › <Link href="/sessions">Remote sessions</Link> › <Link href={reportPath}>Video of session</Link> › Generate video for download
      </div>
      <div className="page-head">
        <h1>
          Generate video for download{" "}
          <span className="mono muted" title={session.hash}>
            {shortHash(session.hash)}
          </span>
        </h1>
      </div>

      {!options.enabled ? (
        <p className="alert alert-warn" role="note">
          {DOWNLOAD_DISABLED}
        </p>
      ) : !access.decision.allowed ? (
        <AccessGate hash={session.hash} access={access} what="generate and download its video" />
      ) : (
        <>
          <section className="panel" aria-labelledby="what-heading">
            <h2 id="what-heading">What is generated</h2>
            <dl className="facts">
              <dt>Video of</dt>
              <dd>
                Session <span className="mono">{session.hash}</span> ({session.protocol.toUpperCase()} to {session.host})
              </dd>
              <dt>Format</dt>
              <dd data-testid="export-format">{FORMAT_LABELS[format]}</dd>
              <dt>Inside the file</dt>
              <dd>
                The recorded screen and sound, with the keystroke log
                {isDatabaseProtocol(session.protocol) ? " and the query log" : ""} as a subtitle track
                {watermark ? ", and a watermark with who asked, when, and the session ID" : ""}.
              </dd>
              <dt>Email</dt>
              <dd>
                When the conversion is complete, an email goes to <strong>{emailTo}</strong> with a link to this session&apos;s report, where the{" "}
                <strong>Video of session</strong> section offers the download.
              </dd>
            </dl>
          </section>

          <section className="panel" aria-labelledby="status-heading">
            <h2 id="status-heading">Conversion</h2>
            {!exp ? (
              <>
                <p className="muted">No video has been generated for this session with the current settings.</p>
                <GenerateVideoButton hash={session.hash} primary />
              </>
            ) : exp.status === "queued" || exp.status === "running" ? (
              <>
                <ExportProgress exportId={exp.id} initial={{ status: exp.status, progress: exp.progress, etaSeconds: exp.etaSeconds }} />
                <p className="muted">
                  {mayKnowWhoAsked ? <>Asked for by {requester?.name ?? "someone"} </> : "Asked for "}
                  <Time date={exp.createdAt} />. You can leave this page: the conversion continues in the background.
                </p>
                {canCancel ? <CancelExportButton exportId={exp.id} /> : null}
              </>
            ) : exp.status === "done" ? (
              <>
                <p className="alert alert-ok" role="status">
                  The video is ready.
                </p>
                <dl className="facts">
                  <dt>Size</dt>
                  <dd>{formatSize(exp.sizeBytes ?? 0)}</dd>
                  <dt>Time</dt>
                  <dd>{formatDuration(exp.durationMs ?? 0)}</dd>
                  <dt>Format</dt>
                  <dd>{exp.format.toUpperCase()}</dd>
                  <dt>Email</dt>
                  <dd>
                    {email?.emailStatus ? EMAIL_LABELS[email.emailStatus] : "—"}
                    {email?.emailStatus === "failed" && email.emailError ? <span className="muted"> ({email.emailError})</span> : null}
                  </dd>
                  {exp.expiresAt ? (
                    <>
                      <dt>Kept until</dt>
                      <dd>
                        <Time date={exp.expiresAt} />
                      </dd>
                    </>
                  ) : null}
                </dl>
                <div className="actions" style={{ marginTop: "1rem" }}>
                  <a className="button button-primary" href={`/api/exports/${exp.id}/download`} download>
                    Video download
                  </a>
                  <Link className="button" href={`${reportPath}#section-video-of-session`}>
                    Back to the report
                  </Link>
                </div>
              </>
            ) : exp.status === "failed" ? (
              <>
                <div className="alert alert-error" role="alert">
                  <p>The conversion failed. ffmpeg said:</p>
                  <pre data-testid="export-error" style={{ whiteSpace: "pre-wrap", margin: 0 }}>
                    {exp.error ?? "No reason was given."}
                  </pre>
                </div>
                <div style={{ marginTop: "1rem" }}>
                  <GenerateVideoButton hash={session.hash} label="Retry" primary />
                </div>
              </>
            ) : (
              <>
                <p className="muted">
                  {exp.status === "cancelled" ? "The last conversion was cancelled." : "The last video was deleted after its retention period."}
                </p>
                <GenerateVideoButton hash={session.hash} primary />
              </>
            )}
          </section>
        </>
      )}
    </>
  );
}
