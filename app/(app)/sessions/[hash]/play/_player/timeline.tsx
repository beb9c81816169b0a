import { useMemo, useState } from "react";
import { heatmapPath, type Heatmap } from "@/lib/player/heatmap";
import type { IdlePeriod } from "@/lib/player/idle";
import { MARKER_KINDS } from "@/lib/player/markers";
import { thumbnailAt, type ThumbnailIndex } from "@/lib/domain/thumbnails";
import type { Marker } from "@/lib/player/types";
import styles from "../player.module.css";
import { clock } from "./clock";

// The heatmap's drawing box; the SVG stretches it to the timeline's size.
const W = 1000;
const H = 48;

/**
 * The timeline under the video: activity heatmap (screen, input, audio), idle
 * stretches, findings (flags) and chapters (ticks), what was played and the
 * playhead; the time under the pointer with the thumbnail of that moment (from
 * sheets already loaded: no request), and a click seeks there. Then the legend.
 */
export function Timeline(props: {
  time: number;
  total: number;
  heatmap: Heatmap;
  idle: IdlePeriod[];
  markers: Marker[];
  thumbnails: ThumbnailIndex | null;
  /** The clip being set, drawn as a band (null when clips are off). */
  clip: { startMs: number | null; endMs: number | null } | null;
  onSeek: (s: number) => void;
}) {
  const { time, total } = props;
  const [hover, setHover] = useState<number | null>(null);
  const paths = useMemo(
    () => ({
      screen: heatmapPath(props.heatmap.screen, W, H),
      input: heatmapPath(props.heatmap.input, W, H),
      audio: props.heatmap.audio ? heatmapPath(props.heatmap.audio, W, H) : "",
    }),
    [props.heatmap],
  );
  const spot = hover === null ? null : thumbnailAt(props.thumbnails, Math.round(hover * 1000));
  // The chapter whose tick is under the pointer (within 1 % of the timeline), for its title.
  const hoverChapter = hover === null ? null : (props.markers.find((m) => m.kind === "chapter" && Math.abs(m.tMs / 1000 - hover) <= total / 100) ?? null);
  const fromPointer = (e: React.MouseEvent<HTMLDivElement>) => {
    const rect = e.currentTarget.getBoundingClientRect();
    return (Math.max(0, Math.min(rect.width, e.clientX - rect.left)) / rect.width) * total;
  };

  return (
    <>
      <div
        className={styles.timeline}
        role="slider"
        tabIndex={0}
        aria-label="Timeline: activity over time; click to seek"
        aria-valuemin={0}
        aria-valuemax={Math.round(total)}
        aria-valuenow={Math.round(time)}
        aria-valuetext={clock(time)}
        onMouseMove={(e) => setHover(fromPointer(e))}
        onMouseLeave={() => setHover(null)}
        onClick={(e) => props.onSeek(fromPointer(e))}
        data-testid="timeline"
      >
        <svg viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" className={styles.heat} aria-hidden>
          {props.idle.map((p) => (
            <rect
              key={p.startMs}
              x={(p.startMs / 1000 / total) * W}
              width={((p.endMs - p.startMs) / 1000 / total) * W}
              y={0}
              height={H}
              className={styles.idle}
            />
          ))}
          <path d={paths.screen} className={styles.heatScreen} />
          {paths.audio ? <path d={paths.audio} className={styles.heatAudio} /> : null}
          <path d={paths.input} className={styles.heatInput} />
          <rect x={0} y={0} width={(Math.min(time, total) / total) * W} height={H} className={styles.played} />
          {props.clip && (props.clip.startMs !== null || props.clip.endMs !== null) ? (
            <rect
              x={((props.clip.startMs ?? 0) / 1000 / total) * W}
              width={Math.max(1, (((props.clip.endMs ?? total * 1000) - (props.clip.startMs ?? 0)) / 1000 / total) * W)}
              y={H - 6}
              height={6}
              className={styles.clipBand}
              data-testid="clip-band"
            />
          ) : null}
        </svg>
        {props.markers.map((m, i) => (
          <span
            key={i}
            className={
              MARKER_KINDS[m.kind].shape === "tick"
                ? styles.tick
                : `${styles.marker} ${m.kind === "query-error" ? styles.markerQuery : m.kind === "control" ? styles.markerControl : m.kind === "note" ? styles.markerNote : styles[`marker-${m.criticality ?? "low"}`]}`
            }
            data-kind={m.kind}
            style={{ left: `${(m.tMs / 1000 / total) * 100}%` }}
            title={`${clock(m.tMs / 1000)} ${m.label}`}
            data-marker={m.kind}
          />
        ))}
        <span className={styles.playhead} style={{ left: `${(Math.min(time, total) / total) * 100}%` }} />
        {hover !== null ? (
          <span className={styles.hover} style={{ left: `${(hover / total) * 100}%` }} data-testid="hover">
            {spot && props.thumbnails ? (
              <span
                className={styles.thumb}
                style={{
                  width: props.thumbnails.width,
                  height: props.thumbnails.height,
                  backgroundImage: `url("${spot.sheet}")`,
                  backgroundPosition: `-${spot.x}px -${spot.y}px`,
                }}
                data-testid="thumbnail"
                data-t={spot.tMs}
              />
            ) : null}
            {hoverChapter ? <span className={styles.hoverChapter}>{hoverChapter.label}</span> : null}
            <span>{clock(hover)}</span>
          </span>
        ) : null}
      </div>
      <div className={styles.legend} aria-hidden>
        <span>
          <span className={`${styles.swatch} ${styles.legendInput}`} />
          keys, clicks, pointer
        </span>
        <span>
          <span className={`${styles.swatch} ${styles.legendScreen}`} />
          screen changes
        </span>
        {props.heatmap.audio ? (
          <span>
            <span className={`${styles.swatch} ${styles.legendAudio}`} />
            audio
          </span>
        ) : null}
        {props.idle.length ? (
          <span>
            <span className={`${styles.swatch} ${styles.legendIdle}`} />
            idle
          </span>
        ) : null}
        {props.markers.some((m) => m.kind === "chapter") ? (
          <span>
            <span className={`${styles.swatch} ${styles.legendTick}`} />
            chapter
          </span>
        ) : null}
      </div>
    </>
  );
}
