import Link from "next/link";
import { Time } from "@/app/_components/time";
import { notFound } from "next/navigation";
import { z } from "zod";
import { getViewerAccess, recordAccessUse } from "@/lib/access";
import { recordAudit } from "@/lib/audit";
import { requestIp, requireViewer } from "@/lib/auth/viewer";
import { isSessionHash } from "@/lib/domain/sessions";
import { formatDuration, shortHash } from "@/lib/format";
import { playbackState } from "@/lib/hls/playback";
import { checkClip } from "@/lib/player/clip";
import { buildPlayerProps } from "@/lib/player/props";
import { getRecordingBySession } from "@/lib/recordings/queries";
import { getSessionForPage } from "@/lib/sessions/access";
import { viewerTimeZone } from "@/app/_components/time";
import { liveControlState } from "@/lib/live";
import { LiveControls } from "../_live/live-controls";
import { getParameter } from "@/lib/settings/queries";
import { getSessionNotes, mayReview } from "@/lib/review";
import { AccessGate } from "../_review/access-gate";
import { Player } from "./player";
import { RefreshWhile } from "./refresh-while";
import { SynchronizingNotice } from "./synchronizing";

export const metadata = { title: "Session player · Session Video" };

const startParam = z.coerce
  .number()
  .finite()
  .min(0)
  .max(10 * 24 * 3600);
/** `?clip=70-100.5`: a clip range in seconds, set by a finding's "Clip ±30 s" on the report. */
const clipParam = z.string().regex(/^\d{1,6}(\.\d{1,3})?-\d{1,6}(\.\d{1,3})?$/);

// GET /sessions/[hash]/play - the session player: video, heatmap timeline and keystroke log
export default async function PlayPage({
  params,
  searchParams,
}: {
  params: Promise<{ hash: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { hash } = await params;
  const viewer = await requireViewer(isSessionHash(hash) ? `/sessions/${hash}/play` : "/sessions");
  if (!isSessionHash(hash)) notFound();
  const session = await getSessionForPage({ hash, viewer, asked: "player" });
  if (!session) notFound();
  const query = await searchParams;
  const t = startParam.safeParse(typeof query.t === "string" ? query.t : undefined);
  const startS = t.success ? t.data : 0;

  // The access rule (lib/access) first: without an open window the page asks for a justification instead.
  const access = await getViewerAccess({ viewer, session });
  const ip = await requestIp();
  if (access.decision.allowed) {
    await recordAudit({
      actor: viewer,
      action: "session.played",
      target: { type: "session", id: session.hash },
      ip,
      details: startS ? { t: startS } : undefined,
    });
    await recordAccessUse({ watcher: { kind: "account", viewer }, session, decision: access.decision, purpose: "play", ip });
  }

  const head = (
    <>
      <div className="breadcrumb">
        Audit › Sessions › <Link href="/sessions">Remote sessions</Link> › <Link href={`/sessions/${encodeURIComponent(session.hash)}`}>Video of session</Link>{" "}
        › Player
      </div>
      <div className="page-head">
        <h1>
          Session{" "}
          <span className="mono muted" title={session.hash}>
            {shortHash(session.hash)}
          </span>{" "}
          <span className="muted" style={{ fontWeight: 400, fontSize: "0.8em" }}>
            {session.protocol.toUpperCase()} · {session.userName} → {session.credentialUsername}@{session.host}
          </span>
        </h1>
      </div>
    </>
  );

  if (!access.decision.allowed) {
    return (
      <>
        {head}
        <AccessGate hash={session.hash} access={access} what="watch it" />
      </>
    );
  }

  const recording = await getRecordingBySession({ sessionId: session.id });
  const { state, playlist } = await playbackState(recording);

  const timeZone = await viewerTimeZone();
  const control = await liveControlState({ session, viewer });
  const controls = session.status === "active" || control.commands.length ? <LiveControls hash={session.hash} initial={control} timeZone={timeZone} /> : null;

  if (state.kind !== "ready" && state.kind !== "live") {
    return (
      <>
        {head}
        <section className="panel" aria-live="polite">
          {state.kind === "no-media" && session.status === "active" ? (
            <p className="alert alert-info" data-state="live-no-media">
              Live: this session is being recorded; no media has arrived from the proxy yet.
            </p>
          ) : state.kind === "no-media" ? (
            <p className="alert alert-warn" data-state="no-media">
              This session has no recorded media: there is no video to play.
            </p>
          ) : state.kind === "failed" ? (
            <p className="alert alert-error" data-state="failed">
              The recording cannot be played. {state.reason}
            </p>
          ) : state.kind === "synchronizing" ? (
            <SynchronizingNotice waiting={state.waiting} reason={state.reason} now={new Date()} />
          ) : (
            <div className="alert alert-info" data-state="processing">
              <p>Processing: the recording is being prepared for playback. This page updates by itself.</p>
              {state.progress !== null ? (
                <progress max={1} value={state.progress} aria-label="Preparation progress">
                  {Math.round(state.progress * 100)} %
                </progress>
              ) : null}
              {state.progress !== null ? <span> {Math.round(state.progress * 100)} %</span> : null}
            </div>
          )}
        </section>
        {state.kind === "processing" || state.kind === "synchronizing" ? <RefreshWhile everyMs={3000} /> : null}
        {controls}
      </>
    );
  }

  const live = state.kind === "live";
  const clip = clipParam.safeParse(typeof query.clip === "string" ? query.clip : undefined);
  const [clipStart, clipEnd] = clip.success ? clip.data.split("-").map((s) => Math.round(Number(s) * 1000)) : [];
  const clipsEnabled = await getParameter({ key: "remote_session.video_download_enabled" });
  const props = await buildPlayerProps({
    session,
    recording,
    playlist,
    live,
    startS,
    timeZone,
    clipsEnabled,
    initialClip: null,
    review: {
      // Notes are the auditors': the user who performed the session does not see them.
      notes: mayReview(viewer) ? await getSessionNotes({ sessionId: session.id }) : [],
      viewerId: viewer.id,
      canAnnotate: mayReview(viewer),
      watermark: null,
      playerPath: `/sessions/${encodeURIComponent(session.hash)}/play`,
      verdict: mayReview(viewer) ? session.reviewVerdict : null,
    },
  });
  if (clipStart !== undefined && clipEnd !== undefined) {
    const checked = checkClip({ startMs: clipStart, endMs: clipEnd }, props.durationMs);
    if (!("error" in checked)) props.initialClip = checked;
  }

  return (
    <>
      {head}
      {access.decision.until ? (
        <p className="muted" data-testid="access-until">
          Your access to this session lasts until <Time date={access.decision.until} />.
        </p>
      ) : null}
      {live ? (
        <p className="alert alert-info" data-state="live">
          Live: this session is still being recorded. The video follows the live edge; {formatDuration(props.durationMs)} so far.
        </p>
      ) : null}
      <Player {...props} />
      {controls}
    </>
  );
}
