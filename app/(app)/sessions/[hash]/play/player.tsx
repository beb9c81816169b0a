"use client";
import { useCallback, useRef, useState } from "react";
import type { PlayerProps } from "@/lib/player/types";
import { clock } from "./_player/clock";
import { KeystrokeLog } from "./_player/keystroke-log";
import { ShortcutHelp } from "./_player/shortcut-help";
import { Timeline } from "./_player/timeline";
import { useHls } from "./_player/use-hls";
import { usePlaybackState } from "./_player/use-playback-state";
import { useShortcuts } from "./_player/use-shortcuts";
import styles from "./player.module.css";

const SPEEDS = [0.5, 1, 1.5, 2, 4, 8, 16];

export function Player(props: PlayerProps) {
  const videoRef = useRef<HTMLVideoElement>(null);
  const frameRef = useRef<HTMLDivElement>(null);
  const [copied, setCopied] = useState(false);
  const { load, error, togglePlay } = useHls(videoRef, { src: props.src, startS: props.startS, live: props.live });
  const playback = usePlaybackState(videoRef, { startS: props.startS, durationMs: props.durationMs, idle: props.idle, frameRate: props.frameRate });
  const { time, total, paused, speed, volume, muted, skipIdle, setSkipIdle, seek, step } = playback;

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

  const { help, toggleHelp } = useShortcuts(videoRef, { togglePlay, seek, step, toggleMute: playback.toggleMute, fullscreen, nextFinding });

  const copyLink = async () => {
    const url = `${window.location.origin}/sessions/${encodeURIComponent(props.hash)}/play?t=${Math.floor(time)}`;
    try {
      await navigator.clipboard.writeText(url);
    } catch {
      window.prompt("Copy the link to this moment:", url);
    }
    setCopied(true);
    setTimeout(() => setCopied(false), 2000);
  };

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
          {load === "loading" ? <div className={styles.overlay}>Loading…</div> : null}
          {load === "processing" ? (
            <div className={styles.overlay} data-state={props.live ? "live-waiting" : "processing"}>
              {props.live
                ? "Live: waiting for the first complete part of the recording (live playback needs fragmented MP4 from the proxy)…"
                : "Processing: the recording is being prepared for playback…"}
            </div>
          ) : null}
          {load === "error" ? (
            <div className={`${styles.overlay} ${styles.error}`} role="alert">
              {error}
            </div>
          ) : null}
        </div>

        <Timeline time={time} total={total} heatmap={props.heatmap} idle={props.idle} markers={props.markers} onSeek={seek} />

        <div className={styles.controls}>
          <button type="button" className="button" onClick={togglePlay} aria-label={paused ? "Play" : "Pause"}>
            {paused ? "▶ Play" : "❚❚ Pause"}
          </button>
          <span className={styles.clock} data-testid="clock">
            {clock(time)} / {clock(total)}
          </span>
          <label>
            Speed{" "}
            <select value={speed} onChange={(e) => playback.changeSpeed(Number(e.target.value))}>
              {SPEEDS.map((s) => (
                <option key={s} value={s}>
                  {s}×
                </option>
              ))}
            </select>
          </label>
          <label title={props.idle.length ? "Jump over stretches with no screen change and no input" : "No idle stretch found"}>
            <input type="checkbox" checked={skipIdle} onChange={(e) => setSkipIdle(e.target.checked)} disabled={!props.idle.length} /> Skip idle
            periods
          </label>
          <button
            type="button"
            className="button"
            onClick={playback.toggleMute}
            aria-pressed={muted}
            title={props.hasAudio ? undefined : "This recording has no audio"}
          >
            {muted || volume === 0 ? "Unmute" : "Mute"}
          </button>
          <input
            type="range"
            min={0}
            max={1}
            step={0.05}
            value={muted ? 0 : volume}
            aria-label="Volume"
            onChange={(e) => playback.changeVolume(Number(e.target.value))}
          />
          <button type="button" className="button" onClick={fullscreen}>
            Fullscreen
          </button>
          <button type="button" className="button" onClick={() => void copyLink()}>
            {copied ? "Link copied" : "Copy link to this moment"}
          </button>
          {props.markers.length ? (
            <button type="button" className="button" onClick={nextFinding}>
              Next finding ›
            </button>
          ) : null}
          <button type="button" className="button" onClick={toggleHelp} aria-expanded={help} aria-label="Keyboard shortcuts">
            ?
          </button>
        </div>
        {help ? <ShortcutHelp /> : null}
      </div>

      <KeystrokeLog log={props.log} isDatabase={props.isDatabase} time={time} onSeek={seek} />
    </div>
  );
}
