/**
 * The points of interest on the player's timeline, one list of kinds: what
 * each looks like (a flag above the heatmap, a thin tick through it), what
 * the legend calls it and which "next" it belongs to. A new kind of marker
 * (e.g. a reviewer's note) is one more entry here. Pure.
 */

export const MARKER_KINDS = {
  /** A command that matched an audited-command rule. */
  finding: { shape: "flag", legend: "finding", group: "finding" },
  /** A database statement that failed. */
  "query-error": { shape: "flag", legend: "failed query", group: "finding" },
  /** A window title or a shell command: where a part of the session starts. */
  chapter: { shape: "tick", legend: "chapter", group: "chapter" },
  /** A command an officer sent to the live session (terminate, lock, unlock, message). */
  control: { shape: "flag", legend: "live command", group: "finding" },
  /** An auditor's note at a moment (the review workflow). */
  note: { shape: "flag", legend: "note", group: "finding" },
} as const satisfies Record<string, { shape: "flag" | "tick"; legend: string; group: "finding" | "chapter" }>;

export type MarkerKind = keyof typeof MARKER_KINDS;
export type MarkerGroup = (typeof MARKER_KINDS)[MarkerKind]["group"];

/** A point of interest on the timeline. */
export type Marker = {
  tMs: number;
  kind: MarkerKind;
  label: string;
  criticality: "low" | "medium" | "high" | null;
};

export function markersOf(markers: Marker[], group: MarkerGroup): Marker[] {
  return markers.filter((m) => MARKER_KINDS[m.kind].group === group);
}

/** The first marker after `tMs` (half a second of slack, so that pressing again moves on), or null. */
export function nextMarker(markers: Marker[], tMs: number): Marker | null {
  return markers.find((m) => m.tMs > tMs + 500) ?? null;
}

/**
 * The marker to go back to from `tMs`: the start of the current one, unless
 * that is less than 1.5 s ago (then the one before), as media players do.
 */
export function previousMarker(markers: Marker[], tMs: number): Marker | null {
  let found: Marker | null = null;
  for (const m of markers) {
    if (m.tMs < tMs - 1500) found = m;
    else break;
  }
  return found;
}

/** The marker whose stretch contains `tMs` (the last one at or before it), or null. */
export function markerAt(markers: Marker[], tMs: number): Marker | null {
  let found: Marker | null = null;
  for (const m of markers) {
    if (m.tMs <= tMs) found = m;
    else break;
  }
  return found;
}
