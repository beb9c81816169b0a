"use client";
import { useCallback, useRef } from "react";
import type { PlayerProps } from "@/lib/player/types";
import { Controls } from "./_player/controls";
import { KeystrokeLog } from "./_player/keystroke-log";
import { ShortcutHelp } from "./_player/shortcut-help";
import { Timeline } from "./_player/timeline";
import { useHls } from "./_player/use-hls";
import { usePlaybackState } from "./_player/use-playback-state";
import { useShortcuts } from "./_player/use-shortcuts";
import styles from "./player.module.css";

/**
 * The session player: the video (its stream in `use-hls`, its state in
 * `use-playback-state`), the heatmap timeline, the controls, the keyboard
 * shortcuts and the keystroke log. This file composes them and owns the two
 * things they share: the video element and its frame (for fullscreen).
 * It is the client boundary: everything in _player/ runs in the browser
 * because this file imports it.
 */
export function Player(props: PlayerProps) {
  const videoRef = useRef<HTMLVideoElement>(null);
  const frameRef = useRef<HTMLDivElement>(null);
  const { load, error, togglePlay } = useHls(videoRef, { src: props.src, startS: props.startS, live: props.live });
  const playback = usePlaybackState(videoRef, { startS: props.startS, durationMs: props.durationMs, idle: props.idle, frameRate: props.frameRate });
  const { time, seek } = playback;

  const fullscreen = useCallback(() => {
    const el = frameRef.current;
    if (!el) return;
    if (document.fullscreenElement) void document.exitFullscreen();
    else void el.requestFullscreen().catch(() => {});
  }, []);

  const nextFinding = useCallback(() => {
    const next = props.markers.find((m) => m.tMs / 1000 > time + 0.5);
    if (next) seek(next.tMs / 1000);
  }, [props.markers, time, seek]);

  const { help, toggleHelp } = useShortcuts(videoRef, { togglePlay, seek, step: playback.step, toggleMute: playback.toggleMute, fullscreen, nextFinding });

  return (
    <div className={styles.layout}>
      <div className={styles.main}>
        <div ref={frameRef} className={styles.frame}>
          <video
            ref={videoRef}
            className={styles.video}
            playsInline
            preload="auto"
            onClick={togglePlay}
            aria-label="Session video"
            data-testid="video"
          />
          {/* Always there, so that screen readers announce what it comes to say (loading, processing). */}
          <div className={styles.status} role="status">
            {load === "loading" ? <div className={styles.overlay}>Loading…</div> : null}
            {load === "processing" ? (
              <div className={styles.overlay} data-state={props.live ? "live-waiting" : "processing"}>
                {props.live
                  ? "Live: waiting for the first complete part of the recording (live playback needs fragmented MP4 from the proxy)…"
                  : "Processing: the recording is being prepared for playback…"}
              </div>
            ) : null}
          </div>
          {load === "error" ? (
            <div className={`${styles.overlay} ${styles.error}`} role="alert">
              {error}
            </div>
          ) : null}
        </div>

        <Timeline time={time} total={playback.total} heatmap={props.heatmap} idle={props.idle} markers={props.markers} onSeek={seek} />

        <Controls
          playback={playback}
          hash={props.hash}
          hasAudio={props.hasAudio}
          hasIdle={props.idle.length > 0}
          hasMarkers={props.markers.length > 0}
          help={help}
          onTogglePlay={togglePlay}
          onFullscreen={fullscreen}
          onNextFinding={nextFinding}
          onToggleHelp={toggleHelp}
        />
        {help ? <ShortcutHelp /> : null}
      </div>

      <KeystrokeLog log={props.log} isDatabase={props.isDatabase} time={time} onSeek={seek} />
    </div>
  );
}
