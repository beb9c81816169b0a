import Link from "next/link";
import { IntegritySection } from "@/app/(app)/sessions/[hash]/_sections/integrity";
import { NotesSection } from "@/app/(app)/sessions/[hash]/_sections/notes";
import { ReviewSection } from "@/app/(app)/sessions/[hash]/_sections/review";
import { SessionInfoSection } from "@/app/(app)/sessions/[hash]/_sections/session-info";
import { UserInfoSection } from "@/app/(app)/sessions/[hash]/_sections/user-info";
import { VulnerabilityAnalysisSection } from "@/app/(app)/sessions/[hash]/_sections/vulnerability-analysis";
import { watcherActor, watcherDetails } from "@/lib/access";
import { recordAudit } from "@/lib/audit";
import { requestIp } from "@/lib/auth/viewer";
import { STATUS_LABELS } from "@/lib/domain/sessions";
import { formatDuration, formatSize, shortHash } from "@/lib/format";
import { getRecordingBySession } from "@/lib/recordings/queries";
import { getSessionOfShareLink } from "@/lib/sessions/queries";
import { getParameter } from "@/lib/settings/queries";
import { hasRecording, recordedBytes } from "@/lib/sessions/report";
import { assessorOrMessage } from "./_components/gate";

export const dynamic = "force-dynamic";

// GET /assessor - the report of the one session shared with this assessor (their link names it: no URL can ask for another).
export default async function AssessorReportPage() {
  const { assessor, message } = await assessorOrMessage("shared report");
  if (!assessor) return message;
  const session = await getSessionOfShareLink({ linkId: assessor.linkId });
  if (!session) return <p className="alert alert-error">The shared session no longer exists.</p>;
  const [recording, downloadsOn] = await Promise.all([
    getRecordingBySession({ sessionId: session.id }),
    getParameter({ key: "remote_session.video_download_enabled" }),
    recordAudit({
      actor: watcherActor(assessor),
      action: "session.report_viewed",
      target: { type: "session", id: session.hash },
      ip: await requestIp(),
      details: watcherDetails(assessor),
    }),
  ]);
  const report = { session, recording };
  const recorded = hasRecording(report);
  return (
    <>
      <div className="page-head">
        <h1>
          Video of session{" "}
          <span className="mono muted" title={session.hash}>
            {shortHash(session.hash)}
          </span>{" "}
          <span className={`badge status-${session.status}`}>{STATUS_LABELS[session.status]}</span>
        </h1>
      </div>
      <SessionInfoSection report={report} />
      <UserInfoSection report={report} />
      <VulnerabilityAnalysisSection session={session} playerPath="/assessor/play" />
      <section className="panel" aria-labelledby="section-session">
        <h2 id="section-session">Session</h2>
        <dl className="facts">
          <dt>Size</dt>
          <dd>{recordedBytes(report) === null ? "No recording" : formatSize(recordedBytes(report) ?? 0)}</dd>
          <dt>Time</dt>
          <dd>{formatDuration((session.endedAt ?? new Date()).getTime() - session.startedAt.getTime())}</dd>
        </dl>
        <div className="actions" style={{ marginTop: "1rem" }}>
          {recorded ? (
            <Link href="/assessor/play" className="button button-primary" prefetch={false}>
              ▶ Video
            </Link>
          ) : (
            <p className="alert alert-warn">No recording was received for this session, so there is no video to watch.</p>
          )}
          {recorded && assessor.allowDownload && downloadsOn && session.status !== "active" ? (
            <Link href="/assessor/download" className="button" prefetch={false}>
              Video for download
            </Link>
          ) : null}
        </div>
      </section>
      {recording ? <IntegritySection report={report} /> : null}
      <ReviewSection session={session} canReview={false} />
      <NotesSection session={session} playerPath="/assessor/play" />
    </>
  );
}
