import type { Heatmap } from "./heatmap";
import type { IdlePeriod } from "./idle";
import type { LogLine } from "./keylog";

/** A point of interest on the timeline: a risky-command finding, a failed query, or a live command (terminate, lock…). */
export type Marker = {
  tMs: number;
  kind: "finding" | "query-error" | "control";
  label: string;
  criticality: "low" | "medium" | "high" | null;
};

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
  markers: Marker[];
  isDatabase: boolean;
};
