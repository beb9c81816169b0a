import "server-only";
import { getSessionFindings } from "@/lib/analysis/queries/findings";
import type { RemoteSession } from "@/lib/db/schema";
import { describeLiveCommand } from "@/lib/domain/live";
import { isDatabaseProtocol } from "@/lib/domain/sessions";
import { DEFAULT_TIME_ZONE, formatClockTime } from "@/lib/format";
import { listLiveCommands } from "@/lib/live";
import { hlsUrls } from "@/lib/hls/http";
import type { StoredPlaylist } from "@/lib/hls/playlist";
import { getActivity } from "@/lib/hls/queries";
import type { RecordingFacts } from "@/lib/recordings/queries";
import { readActivity } from "@/lib/recordings/activity";
import { frameRateOf } from "./frame-rate";
import { buildHeatmap } from "./heatmap";
import { idlePeriods } from "./idle";
import { buildKeystrokeLog } from "./keylog";
import { getInputActivity, getLogEvents, getVideoRates } from "./queries";
import type { Marker, PlayerProps } from "./types";

/**
 * Everything the client player receives for a session the viewer may see:
 * the stream's URL, the heatmap, idle periods, the keystroke/query log and
 * the markers of findings and failed queries. Plain data, no storage paths.
 */
export async function buildPlayerProps({
  session,
  recording,
  playlist,
  live,
  startS,
  timeZone = DEFAULT_TIME_ZONE,
}: {
  session: RemoteSession;
  recording: RecordingFacts | null;
  playlist: StoredPlaylist | null;
  live: boolean;
  startS: number;
  /** The viewer's, for the time of day in the live commands' labels. */
  timeZone?: string;
}): Promise<PlayerProps> {
  const durationMs =
    playlist?.durationMs ?? recording?.durationMs ?? Math.max(0, (session.endedAt ?? new Date()).getTime() - session.startedAt.getTime());
  const [inputs, logEvents, findings, activityRaw, videoRates, commands] = await Promise.all([
    getInputActivity({ sessionId: session.id }),
    getLogEvents({ sessionId: session.id }),
    getSessionFindings({ sessionId: session.id }),
    recording ? getActivity({ recordingId: recording.id }) : null,
    recording ? getVideoRates({ recordingId: recording.id }) : null,
    listLiveCommands({ sessionId: session.id }),
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
  };
}
