/** The words of a recording and of the videos made from it. */

export const RECORDING_STATUSES = [
  "receiving", // chunks are arriving
  "incomplete", // finished with missing chunks or a wrong total hash
  "processing", // complete, waiting for ffprobe / segmenting
  "ready",
  "failed", // ffmpeg cannot read it
] as const;
export type RecordingStatus = (typeof RECORDING_STATUSES)[number];

/** A recording still takes chunks in these states (incomplete: a resumed upload may complete it). */
export const ACCEPTS_CHUNKS: readonly RecordingStatus[] = ["receiving", "incomplete"];

export const INTEGRITY_STATUSES = ["unchecked", "verified", "mismatch"] as const;
export type IntegrityStatus = (typeof INTEGRITY_STATUSES)[number];

/** What the proxy records besides the picture; `tMs` of each is milliseconds from the session start. */
export const EVENT_TYPES = ["key", "mouse", "click", "clipboard", "window", "command", "query"] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const EXPORT_FORMATS = ["mp4", "webm"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const EXPORT_STATUSES = ["queued", "running", "done", "failed", "cancelled", "expired"] as const;
export type ExportStatus = (typeof EXPORT_STATUSES)[number];

/** An export in these states is still being made (or about to be). */
export const LIVE_EXPORT_STATUSES = ["queued", "running"] as const satisfies readonly ExportStatus[];

export const EMAIL_STATUSES = ["pending", "sent", "outbox", "failed"] as const;
export type EmailStatus = (typeof EMAIL_STATUSES)[number];
