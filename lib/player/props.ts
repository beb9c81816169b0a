import "server-only";
import { getSessionFindings } from "@/lib/analysis/queries/findings";
import type { RemoteSession } from "@/lib/db/schema";
import { describeLiveCommand } from "@/lib/domain/live";
import { isDatabaseProtocol, PROTOCOL_KINDS } from "@/lib/domain/sessions";
import { DEFAULT_TIME_ZONE, formatClockTime } from "@/lib/format";
import { listLiveCommands } from "@/lib/live";
import { hlsUrls } from "@/lib/hls/http";
import type { StoredPlaylist } from "@/lib/hls/playlist";
import { getActivity } from "@/lib/hls/queries";
import { queueThumbnailsFor } from "@/lib/hls/thumbnails";
import type { RecordingFacts } from "@/lib/recordings/queries";
import { readActivity } from "@/lib/recordings/activity";
import { buildChapters } from "./chapters";
import type { ClipRange } from "./clip";
import { frameRateOf } from "./frame-rate";
import { buildHeatmap } from "./heatmap";
import { idlePeriods } from "./idle";
import { buildKeystrokeLog } from "./keylog";
import { getInputActivity, getLogEvents, getVideoRates } from "./queries";
import type { Marker, PlayerProps, PlayerReview } from "./types";

/**
 * Everything the client player receives for a session the viewer may see:
 * the stream's URL, the heatmap, idle periods, the keystroke/query log, the
 * markers of findings, failed queries and chapters, and where its thumbnails
 * and still frames come from. Plain data, no storage paths. Queues the
 * thumbnails when the recording has none yet.
 */
export async function buildPlayerProps({
  session,
  recording,
  playlist,
  live,
  startS,
  timeZone = DEFAULT_TIME_ZONE,
  clipsEnabled,
  initialClip,
  review,
}: {
  session: RemoteSession;
  recording: RecordingFacts | null;
  playlist: StoredPlaylist | null;
  live: boolean;
  startS: number;
  /** The viewer's, for the time of day in the live commands' labels. */
  timeZone?: string;
  clipsEnabled: boolean;
  initialClip: ClipRange | null;
  review: PlayerReview;
}): Promise<PlayerProps> {
  const durationMs = playlist?.durationMs ?? recording?.durationMs ?? Math.max(0, (session.endedAt ?? new Date()).getTime() - session.startedAt.getTime());
  const [inputs, logEvents, findings, activityRaw, videoRates, commands, thumbnails] = await Promise.all([
    getInputActivity({ sessionId: session.id }),
    getLogEvents({ sessionId: session.id }),
    getSessionFindings({ sessionId: session.id }),
    recording ? getActivity({ recordingId: recording.id }) : null,
    recording ? getVideoRates({ recordingId: recording.id }) : null,
    listLiveCommands({ sessionId: session.id }),
    recording ? queueThumbnailsFor({ recordingId: recording.id, live }) : { pending: false },
  ]);
  const activity = readActivity(activityRaw);
  const log = buildKeystrokeLog(logEvents);
  const markers: Marker[] = [
    ...findings.map((f) => ({ tMs: f.tMs, kind: "finding" as const, label: `${f.ruleName}: ${f.command}`, criticality: f.criticality })),
    ...log.flatMap((l) =>
      l.kind === "query" && l.outcome === "error"
        ? [{ tMs: l.tMs, kind: "query-error" as const, label: `Failed query: ${l.text} (${l.detail})`, criticality: null }]
        : [],
    ),
    ...commands.map((c) => ({
      tMs: Math.max(0, Math.min(durationMs, c.issuedAt.getTime() - session.startedAt.getTime())),
      kind: "control" as const,
      label: describeLiveCommand({ ...c, at: formatClockTime(c.issuedAt, timeZone) }),
      criticality: null,
    })),
    ...buildChapters(log, PROTOCOL_KINDS[session.protocol]),
  ].sort((a, b) => a.tMs - b.tMs);
  return {
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
    isDatabase: isDatabaseProtocol(session.protocol),
    thumbnailsUrl: hlsUrls.thumbnails(session.hash),
    thumbnailsPending: thumbnails.pending,
    frameUrl: hlsUrls.frame(session.hash),
    clipsEnabled: clipsEnabled && !live,
    initialClip,
    review,
  };
}
