import "server-only";
import { getHeldChunksOfRecording, listNodes, type HeldSummary } from "@/lib/cluster";
import { AppError } from "@/lib/errors";
import { preparePlaybackJob } from "@/lib/jobs/prepare-playback";
import type { RecordingFacts } from "@/lib/recordings/queries";
import { getStorage, storageKeys } from "@/lib/storage";
import { ensurePlayable, getPreparationProgress, NeedsBackgroundPreparation, type ProbeFacts } from "./prepare";
import type { StoredPlaylist } from "./playlist";
import { getStoredPlaylist } from "./queries";

/**
 * Whether and how a recording can be played now: the one place that decides,
 * for the player page (what to show) and for the playlist route (what to
 * serve).
 */
export type PlaybackState =
  | { kind: "no-media" }
  | { kind: "failed"; reason: string }
  | { kind: "processing"; progress: number | null }
  | { kind: "synchronizing"; waiting: WaitingOn[]; reason: string | null }
  | { kind: "live" }
  | { kind: "ready" };

/** A node whose disk holds chunks of the recording that the shared store does not have yet. */
export type WaitingOn = HeldSummary & { nodeUrl: string | null; nodeSeenAt: Date | null };

type Facts = Pick<RecordingFacts, "id" | "status" | "statusReason" | "videoCodec" | "playableKey" | "finishedAt"> & { deletedAt?: Date | null };

/** In a cluster the row can arrive before the bytes: they are still on their way to the shared store. */
async function stored(key: string | null): Promise<boolean> {
  return key !== null && (await getStorage().stat(key)) !== null;
}

/** The nodes holding chunks of the recording, with when each was last heard of. */
async function waitingOn(recordingId: number): Promise<WaitingOn[]> {
  const held = await getHeldChunksOfRecording({ recordingId });
  if (held.length === 0) return [];
  const nodes = new Map((await listNodes()).map((n) => [n.name, n]));
  return held.map((h) => ({ ...h, nodeUrl: nodes.get(h.node)?.url ?? null, nodeSeenAt: nodes.get(h.node)?.heartbeatAt ?? null }));
}

const synchronizing = async (recording: Facts): Promise<PlaybackState> => ({
  kind: "synchronizing",
  waiting: await waitingOn(recording.id),
  reason: recording.status === "processing" && recording.finishedAt === null ? recording.statusReason : null,
});

/**
 * What the player page shows. A recording that needs encoding is queued for
 * the worker (the page shows progress); H.264 is cut by stream copy in
 * seconds, on demand, by the playlist request.
 */
export async function playbackState(recording: Facts | null): Promise<{ state: PlaybackState; playlist: StoredPlaylist | null }> {
  if (!recording) return { state: { kind: "no-media" }, playlist: null };
  if (recording.deletedAt) {
    return {
      state: { kind: "failed", reason: `The recording was deleted on ${recording.deletedAt.toISOString().slice(0, 10)} (see the report).` },
      playlist: null,
    };
  }
  if (recording.status === "failed") {
    return { state: { kind: "failed", reason: recording.statusReason ?? "ffmpeg cannot read the recording." }, playlist: null };
  }
  if (recording.status === "incomplete") {
    return { state: { kind: "failed", reason: recording.statusReason ?? "The recording is incomplete: chunks are missing." }, playlist: null };
  }
  if (recording.status === "receiving") return { state: { kind: "live" }, playlist: null };
  // Finished, but its chunks are not all in the shared store yet: the assembly waits for them.
  if (recording.status === "processing" && recording.finishedAt === null) {
    const state = await synchronizing(recording);
    if (state.kind === "synchronizing" && (state.waiting.length > 0 || !(await stored(storageKeys.media(recording.id))))) return { state, playlist: null };
  }
  const playlist = await getStoredPlaylist({ recordingId: recording.id });
  if (playlist) return { state: (await stored(recording.playableKey)) ? { kind: "ready" } : await synchronizing(recording), playlist };
  const progress = await getPreparationProgress(recording.id);
  const needsEncode = recording.videoCodec !== null && recording.videoCodec !== "h264";
  if (progress !== null || needsEncode) {
    await preparePlaybackJob.send({ recordingId: recording.id });
    return { state: { kind: "processing", progress }, playlist: null };
  }
  return { state: (await stored(storageKeys.media(recording.id))) ? { kind: "ready" } : await synchronizing(recording), playlist: null };
}

/**
 * The stored playlist of a finished recording for the playlist route, cut on
 * demand when the background job has not reached it yet and a stream copy
 * suffices (concurrent requests share that run). Otherwise an AppError says
 * why not: 409 not finished or not playable, 503 (the client comes back, see
 * errorResponse) while it is prepared or synchronizing, 422 when it cannot be played.
 */
export async function playlistToServe(recording: Omit<Facts, "finishedAt"> & ProbeFacts): Promise<StoredPlaylist> {
  if (recording.deletedAt) throw new AppError("The recording was deleted", 410);
  const playlist = await getStoredPlaylist({ recordingId: recording.id });
  if (playlist) return playlist;
  // Media exists once the recording is complete ("processing" until the probe, then "ready").
  if (recording.status !== "ready" && recording.status !== "processing") throw new AppError(`The recording is ${recording.status}`, 409);
  if (!(await stored(storageKeys.media(recording.id)))) throw new AppError("The recording is synchronizing to this server", 503);
  try {
    const prepared = await ensurePlayable(recording.id, { onDemand: true, facts: recording });
    // The rest (activity for the heatmap, a re-encode of long keyframe intervals) is the job's;
    // its singleton key makes this a no-op when it is queued already.
    void preparePlaybackJob.send({ recordingId: recording.id }).catch((error: unknown) => console.error("[hls] could not queue the preparation", error));
    return prepared;
  } catch (error) {
    if (error instanceof NeedsBackgroundPreparation) {
      // Encoding takes minutes: hand it to the worker and let the client come back.
      await preparePlaybackJob.send({ recordingId: recording.id });
      throw new AppError("The recording is being prepared for playback", 503);
    }
    console.error(`[hls] on-demand preparation of recording ${recording.id} failed`, error);
    throw new AppError("The recording cannot be played", 422);
  }
}
