import type { ClipRange } from "./clip";
import type { Heatmap } from "./heatmap";
import type { IdlePeriod } from "./idle";
import type { LogLine } from "./keylog";
import type { Marker } from "./markers";

export type { Marker, MarkerKind } from "./markers";

/** Everything the client player receives from the page: plain data, no storage paths. */
export type PlayerProps = {
  hash: string;
  src: string;
  live: boolean;
  durationMs: number;
  startS: number;
  hasAudio: boolean;
  /** Of the recording (probe facts), for the `,` `.` frame step. */
  frameRate: number;
  heatmap: Heatmap;
  idle: IdlePeriod[];
  log: LogLine[];
  /** Findings, failed queries and chapters, in time order (lib/player/markers.ts says how each shows). */
  markers: Marker[];
  isDatabase: boolean;
  /** The thumbnails' index (JSON); the player asks for it once, and again while more are being made. */
  thumbnailsUrl: string;
  /** More thumbnails are coming (being generated, or the session is live): ask again later. */
  thumbnailsPending: boolean;
  /** Where "Save frame" downloads the PNG of a moment (`?t=` seconds). */
  frameUrl: string;
  /** "Enable session video download" is on: the clip controls are shown. */
  clipsEnabled: boolean;
  /** A clip range set from the report (a finding's "Clip ±30 s"). */
  initialClip: ClipRange | null;
};
