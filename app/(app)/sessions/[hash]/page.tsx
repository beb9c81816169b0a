import Link from "next/link";
import { notFound } from "next/navigation";
import { getViewerAccess } from "@/lib/access";
import { recordAudit } from "@/lib/audit";
import { requestIp, requireViewer } from "@/lib/auth/viewer";
import { getRecordingBySession } from "@/lib/recordings/queries";
import { getSessionForPage } from "@/lib/sessions/access";
import { shortHash } from "@/lib/format";
import { isSessionHash, STATUS_LABELS } from "@/lib/domain/sessions";
import { mayReview } from "@/lib/review";
import { hasRecording, type SessionReport } from "@/lib/sessions/report";
import { SessionInfoSection } from "./_sections/session-info";
import { SessionSection } from "./_sections/session";
import { AccessSection } from "./_sections/access";
import { IntegritySection } from "./_sections/integrity";
import { RetentionSection } from "./_sections/retention";
import { NotesSection } from "./_sections/notes";
import { ReviewSection } from "./_sections/review";
import { SharingSection } from "./_sections/sharing";
import { WhoWatchedSection } from "./_sections/who-watched";
import { UserInfoSection } from "./_sections/user-info";
import { VideoOfSessionSection } from "./_sections/video-of-session";
import { VulnerabilityAnalysisSection } from "./_sections/vulnerability-analysis";
import { viewerTimeZone } from "@/app/_components/time";
import { liveControlState } from "@/lib/live";
import { getParameter } from "@/lib/settings/queries";
import { LiveControls } from "./_live/live-controls";

export const metadata = { title: "Video of session · Session Video" };

// GET /sessions/[hash] - the session report ("Video of session"); a session the viewer may not see is a 404 like a missing one.
export default async function SessionReportPage({
  params,
  searchParams,
}: {
  params: Promise<{ hash: string }>;
  searchParams: Promise<{ video?: string | string[] }>;
}) {
  const { hash } = await params;
  // ?video=<export id>: the link of a "video is ready" email names the video it announced.
  const { video } = await searchParams;
  const announcedId = typeof video === "string" ? video : null;
  const viewer = await requireViewer(isSessionHash(hash) ? `/sessions/${hash}` : "/sessions");
  if (!isSessionHash(hash)) notFound();
  const session = await getSessionForPage({ hash, viewer, asked: "report" });
  if (!session) notFound();
  const [recording, control, timeZone, access] = await Promise.all([
    getRecordingBySession({ sessionId: session.id }),
    liveControlState({ session, viewer }),
    viewerTimeZone(),
    getViewerAccess({ viewer, session }),
    recordAudit({
      actor: viewer,
      action: "session.report_viewed",
      target: { type: "session", id: session.hash },
      ip: await requestIp(),
    }),
  ]);
  const report: SessionReport = { session, recording, viewer };
  // Clips, like video downloads, only while Enable session video download is on.
  const clipsOn = await getParameter({ key: "remote_session.video_download_enabled" });

  return (
    <>
      <div className="breadcrumb">
        Audit › Sessions › <Link href="/sessions">Remote sessions</Link> › Video of session
      </div>
      <div className="page-head">
        <h1>
          Video of session{" "}
          <span className="mono muted" title={session.hash}>
            {shortHash(session.hash)}
          </span>{" "}
          <span className={`badge status-${session.status}`}>{STATUS_LABELS[session.status]}</span>
        </h1>
      </div>
      {/* The report is a list of sections, in the product's order; each loads what it needs beyond the report. */}
      <AccessSection hash={session.hash} access={access} />
      <SessionInfoSection report={report} />
      {session.status === "active" || control.commands.length ? <LiveControls hash={session.hash} initial={control} timeZone={timeZone} /> : null}
      <UserInfoSection report={report} />
      <VulnerabilityAnalysisSection session={session} clipsOf={clipsOn && recording?.durationMs ? recording.durationMs : null} />
      <SessionSection report={report} />
      {recording ? <IntegritySection report={report} /> : null}
      <RetentionSection report={report} />
      {/* Nothing to convert without a recording: no Generate button there either. */}
      {hasRecording(report) ? (
        <VideoOfSessionSection session={session} viewer={viewer} announcedId={announcedId} mayDownload={access.decision.allowed} />
      ) : null}
      {/* What auditors concluded and who watched: for those who audit, not for the user who performed the session. */}
      {mayReview(viewer) ? (
        <>
          <ReviewSection session={session} canReview />
          <NotesSection session={session} playerPath={`/sessions/${encodeURIComponent(session.hash)}/play`} />
          <WhoWatchedSection session={session} />
        </>
      ) : null}
      <SharingSection session={session} viewer={viewer} />
    </>
  );
}
