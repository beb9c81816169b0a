/**
 * HLS for the session player.
 *
 * A finished recording becomes playable as ONE fragmented MP4 file at
 * `storageKeys.playable(id, generation)` (prepare.ts): H.264 is stream-copied (AAC too;
 * other audio is encoded to AAC), any other video is encoded once to H.264
 * (x264 `stillimage` tuning for screen content, a keyframe forced every 2 s).
 * ffmpeg cuts a fragment at every keyframe; fmp4.ts reads the box structure
 * and playlist.ts groups fragments into segments of about 4 s. The byte
 * layout (init range, [offset, length, durationMs] per segment) is stored
 * once in `recordings.playlist`; the playlist route renders it (and keeps the
 * text per generation) and the media route serves byte ranges of the file,
 * so a 10-hour recording costs what a 1-minute one does.
 *
 * Long keyframe intervals: a stream copy cannot cut between keyframes. When
 * the copied file has a keyframe interval over 6 s (`longGop`), it is served
 * as it is at once, and the background job re-encodes it with forced
 * keyframes and swaps it in under a new generation (segment URLs carry the
 * generation and each generation has its own file, so neither caches nor a
 * request in flight during the swap mix the two files).
 *
 * On demand: the playlist route prepares a recording the background job has
 * not reached yet when a stream copy suffices (seconds); single-flight within
 * the process, a Postgres advisory lock across processes. A source that must
 * be encoded is queued for the worker instead (503 + Retry-After; the page
 * shows "processing" with progress).
 *
 * Live (live.ts): while a session is recorded as fragmented MP4, the chunks
 * received so far are read as one growing file and an EVENT playlist lists
 * its complete segments, following the live edge.
 */
export { ensurePlayable, getPreparationProgress, NeedsBackgroundPreparation } from "./prepare";
export { measureRecordingActivity } from "./measure";
export { hlsUrls } from "./http";
