import type { ClipRange } from "./clip";
import type { ReviewVerdict } from "@/lib/domain/reviews";
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
  /** Notes, the review action and the assessor's watermark (the review workflow). */
  review: PlayerReview;
};

/** A note at a moment of the session, as the player shows it (and its author edits it). */
export type PlayerNote = {
  id: number;
  tMs: number;
  text: string;
  authorId: string;
  authorName: string;
  authorEmail: string;
  version: number;
  /** ISO time of the latest version. */
  updatedAt: string;
};

/** What the player shows and offers of the review workflow. */
export type PlayerReview = {
  notes: PlayerNote[];
  /** The signed-in account (to tell its own notes, which it may edit), or null for an assessor. */
  viewerId: string | null;
  /** May add notes and mark the session reviewed (auditors and administrators; never an assessor). */
  canAnnotate: boolean;
  /** Shown over the picture: the assessor's email, so that a screen capture says whose view it was. */
  watermark: string | null;
  /** Where the player's links to a moment point (the account player, or the assessor's). */
  playerPath: string;
  /** The session's latest verdict, or null when it was never reviewed. */
  verdict: ReviewVerdict | null;
};
