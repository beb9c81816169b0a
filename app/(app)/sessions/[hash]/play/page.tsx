import Link from "next/link";
import { notFound } from "next/navigation";
import { z } from "zod";
import { recordAudit } from "@/lib/audit";
import { requestIp, requireViewer } from "@/lib/auth/viewer";
import { getSessionByHash } from "@/lib/db/queries/sessions";
import { formatDuration, shortHash } from "@/lib/format";
import { hlsUrls } from "@/lib/hls/http";
import { getPreparationProgress } from "@/lib/hls/prepare";
import { getActivity, getPlaybackRecording, getStoredPlaylist } from "@/lib/hls/queries";
import { enqueuePlaybackPreparation } from "@/lib/jobs/prepare-playback";
import { readActivity } from "@/lib/player/activity";
import { buildHeatmap } from "@/lib/player/heatmap";
import { idlePeriods } from "@/lib/player/idle";
import { buildKeystrokeLog } from "@/lib/player/keylog";
import { getSessionFindings } from "@/lib/db/queries/findings";
import { frameRateOf } from "@/lib/player/frame-rate";
import { getInputActivity, getLogEvents, getVideoRates } from "@/lib/player/queries";
import type { Marker, PlayerProps } from "@/lib/player/types";
import { isSessionHash } from "@/lib/domain/sessions";
import { getStorage, storageKeys } from "@/lib/storage";
import { Player } from "./player";
import { RefreshWhile } from "./refresh-while";

export const metadata = { title: "Session player · Session Video" };

const startParam = z.coerce.number().finite().min(0).max(10 * 24 * 3600);

type State =
  | { kind: "no-media" }
  | { kind: "failed"; reason: string }
  | { kind: "processing"; progress: number | null }
  | { kind: "synchronizing" }
  | { kind: "live" }
  | { kind: "ready" };

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
  const session = await getSessionByHash({ hash, viewer });
  if (!session) notFound();
  const query = await searchParams;
  const t = startParam.safeParse(typeof query.t === "string" ? query.t : undefined);
  const startS = t.success ? t.data : 0;

  await recordAudit({
    actor: viewer,
    action: "session.played",
    target: { type: "session", id: session.hash },
    ip: await requestIp(),
    details: startS ? { t: startS } : undefined,
  });

  const recording = await getPlaybackRecording({ sessionId: session.id });
  const playlist = recording ? await getStoredPlaylist({ recordingId: recording.id }) : null;

  let state: State;
  if (!recording) state = { kind: "no-media" };
  else if (recording.status === "failed") state = { kind: "failed", reason: recording.statusReason ?? "ffmpeg cannot read the recording." };
  else if (recording.status === "incomplete")
    state = { kind: "failed", reason: recording.statusReason ?? "The recording is incomplete: chunks are missing." };
  else if (recording.status === "receiving") state = { kind: "live" };
  else if (playlist) {
    // In a cluster the row arrives before the file: the file is still being copied to this node.
    state = recording.playableKey && (await getStorage().stat(recording.playableKey)) ? { kind: "ready" } : { kind: "synchronizing" };
  } else {
    const progress = await getPreparationProgress(recording.id);
    const needsEncode = recording.videoCodec !== null && recording.videoCodec !== "h264";
    if (progress !== null || needsEncode) {
      await enqueuePlaybackPreparation(recording.id);
      state = { kind: "processing", progress };
    } else {
      // H.264 is cut by stream copy in seconds: the playlist request does it on demand.
      state = (await getStorage().stat(storageKeys.media(recording.id))) ? { kind: "ready" } : { kind: "synchronizing" };
    }
  }

  const head = (
    <>
      <div className="breadcrumb">
        Audit › Sessions › <Link href="/sessions">Remote sessions</Link> ›{" "}
        <Link href={`/sessions/${encodeURIComponent(session.hash)}`}>Video of session</Link> › Player
      </div>
      <div className="page-head">
        <h1>
          Session <span className="mono muted" title={session.hash}>{shortHash(session.hash)}</span>{" "}
          <span className="muted" style={{ fontWeight: 400, fontSize: "0.8em" }}>
            {session.protocol.toUpperCase()} · {session.userName} → {session.credentialUsername}@{session.host}
          </span>
        </h1>
      </div>
    </>
  );

  if (state.kind !== "ready" && state.kind !== "live") {
    return (
      <>
        {head}
        <section className="panel" aria-live="polite">
          {state.kind === "no-media" ? (
            <p className="alert alert-warn" data-state="no-media">
              This session has no recorded media: there is no video to play.
            </p>
          ) : state.kind === "failed" ? (
            <p className="alert alert-error" data-state="failed">
              The recording cannot be played. {state.reason}
            </p>
          ) : state.kind === "synchronizing" ? (
            <p className="alert alert-info" data-state="synchronizing">
              Synchronizing: the video is still being copied to this server of the cluster. This page updates by itself.
            </p>
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
      </>
    );
  }

  const live = state.kind === "live";
  const durationMs =
    playlist?.durationMs ??
    recording?.durationMs ??
    Math.max(0, (session.endedAt ?? new Date()).getTime() - session.startedAt.getTime());
  const [inputs, logEvents, findings, activityRaw, videoRates] = await Promise.all([
    getInputActivity({ sessionId: session.id }),
    getLogEvents({ sessionId: session.id }),
    getSessionFindings({ sessionId: session.id }),
    recording ? getActivity({ recordingId: recording.id }) : null,
    recording ? getVideoRates({ recordingId: recording.id }) : null,
  ]);
  const activity = readActivity(activityRaw);
  const log = buildKeystrokeLog(logEvents);
  const markers: Marker[] = [
    ...findings.map((f) => ({ tMs: f.tMs, kind: "finding" as const, label: `${f.ruleName}: ${f.command}`, criticality: f.criticality })),
    ...log.flatMap((l) =>
      l.kind === "query" && l.outcome === "error" ? [{ tMs: l.tMs, kind: "query-error" as const, label: `Failed query: ${l.text} (${l.detail})`, criticality: null }] : [],
    ),
  ].sort((a, b) => a.tMs - b.tMs);

  const props: PlayerProps = {
    hash: session.hash,
    src: live ? hlsUrls.live(session.hash) : hlsUrls.playlist(session.hash),
    live,
    durationMs,
    startS,
    hasAudio: playlist?.hasAudio ?? recording?.hasAudio ?? false,
    frameRate: frameRateOf(videoRates),
    heatmap: buildHeatmap({ durationMs, events: inputs, activity }),
    idle: live ? [] : idlePeriods({ durationMs, events: inputs, activity }),
    log,
    markers,
    isDatabase: ["mysql", "postgresql", "oracle", "sqlserver"].includes(session.protocol),
  };

  return (
    <>
      {head}
      {live ? (
        <p className="alert alert-info" data-state="live">
          Live: this session is still being recorded. The video follows the live edge; {formatDuration(durationMs)} so far.
        </p>
      ) : null}
      <Player {...props} />
    </>
  );
}
