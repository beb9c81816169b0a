import Link from "next/link";
import { RefreshWhile } from "@/app/(app)/sessions/[hash]/play/refresh-while";
import { Time } from "@/app/_components/time";
import { decideSessionAccess } from "@/lib/access";
import { getSharedExportForPage } from "@/lib/exports";
import { formatDuration, formatSize } from "@/lib/format";
import { assessorOrMessage } from "../_components/gate";
import { GenerateSharedVideoButton } from "../_components/buttons";

export const dynamic = "force-dynamic";

// GET /assessor/download - the shared session as a video file with the assessor's email burned in, when the link allows downloads.
export default async function AssessorDownloadPage() {
  const { assessor, message } = await assessorOrMessage("shared download page");
  if (!assessor) return message;
  const decision = decideSessionAccess({
    facts: {
      kind: "assessor",
      link: {
        id: assessor.linkId,
        sessionId: assessor.sessionId,
        expiresAt: assessor.expiresAt,
        revokedAt: assessor.revokedAt,
        allowDownload: assessor.allowDownload,
      },
    },
    sessionId: assessor.sessionId,
    purpose: "download",
  });
  const { options, export: exp } = await getSharedExportForPage({ assessor });
  return (
    <>
      <div className="breadcrumb">
        <Link href="/assessor">Video of session</Link> › Video for download
      </div>
      <div className="page-head">
        <h1>Video for download</h1>
      </div>
      <section className="panel">
        {!decision.allowed ? (
          <p className="alert alert-warn" role="note">
            {decision.message}
          </p>
        ) : !options.enabled ? (
          <p className="alert alert-warn" role="note">
            Session video download is turned off on this server.
          </p>
        ) : !exp || exp.status === "cancelled" || exp.status === "expired" ? (
          <>
            <p className="muted">The video carries your email ({assessor.email}) in the picture. You get an email when it is ready.</p>
            <GenerateSharedVideoButton />
          </>
        ) : exp.status === "queued" || exp.status === "running" ? (
          <>
            <p aria-live="polite">
              The video is being generated: <strong data-testid="export-percent">{Math.floor(exp.progress * 100)} %</strong>. This page updates by itself.
            </p>
            <RefreshWhile everyMs={3000} />
          </>
        ) : exp.status === "done" ? (
          <>
            <dl className="facts">
              <dt>Size</dt>
              <dd>{formatSize(exp.sizeBytes ?? 0)}</dd>
              <dt>Time</dt>
              <dd>{formatDuration(exp.durationMs ?? 0)}</dd>
              <dt>Format</dt>
              <dd>{exp.format.toUpperCase()}</dd>
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
            </div>
          </>
        ) : (
          <>
            <p className="alert alert-error">The conversion failed. {exp.error}</p>
            <GenerateSharedVideoButton />
          </>
        )}
      </section>
    </>
  );
}
