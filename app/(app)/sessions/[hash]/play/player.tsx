"use client";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { lineAt, searchLines } from "@/lib/player/keylog";
import type { PlayerProps } from "@/lib/player/types";
import { clock } from "./_player/clock";
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
  const logRef = useRef<HTMLOListElement>(null);
  const [query, setQuery] = useState("");
  const [match, setMatch] = useState(0);
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

  // ─── Keystroke log: the line being played, search ─────────────────────────
  const current = lineAt(props.log, time * 1000);
  const matches = useMemo(() => searchLines(props.log, query), [props.log, query]);
  const visible = query.trim() ? matches : props.log.map((_, i) => i);

  useEffect(() => {
    const list = logRef.current;
    const el = list?.querySelector<HTMLElement>(`[data-line="${current}"]`);
    if (!list || !el) return;
    // Scroll the log only, never the page.
    const top = el.offsetTop - list.offsetTop;
    if (top < list.scrollTop || top + el.offsetHeight > list.scrollTop + list.clientHeight) {
      list.scrollTop = Math.max(0, top - list.clientHeight / 3);
    }
  }, [current]);

  const gotoMatch = (delta: number) => {
    if (!matches.length) return;
    const next = (match + delta + matches.length) % matches.length;
    setMatch(next);
    const line = props.log[matches[next]!];
    if (line) seek(line.tMs / 1000);
  };

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

      <aside className={styles.log} aria-label={props.isDatabase ? "Query log" : "Keystroke log"}>
        <div className={styles.logHead}>
          <h2>{props.isDatabase ? "Query log" : "Keystroke log"}</h2>
          <div className={styles.search}>
            <input
              type="search"
              placeholder="Search the log"
              aria-label="Search the log"
              value={query}
              onChange={(e) => {
                setQuery(e.target.value);
                setMatch(0);
              }}
              onKeyDown={(e) => {
                if (e.key === "Enter") gotoMatch(e.shiftKey ? -1 : 1);
              }}
            />
            {query.trim() ? (
              <>
                <span className="muted" aria-live="polite">
                  {matches.length ? `${match + 1} of ${matches.length}` : "no match"}
                </span>
                <button type="button" className="button button-small" onClick={() => gotoMatch(-1)} aria-label="Previous match" disabled={!matches.length}>
                  ‹
                </button>
                <button type="button" className="button button-small" onClick={() => gotoMatch(1)} aria-label="Next match" disabled={!matches.length}>
                  ›
                </button>
              </>
            ) : null}
          </div>
        </div>
        {props.log.length === 0 ? (
          <p className="empty muted">No keystrokes, clipboard or window events were recorded.</p>
        ) : (
          <ol ref={logRef} className={styles.lines}>
            {visible.map((i) => {
              const line = props.log[i]!;
              const active = i === current;
              const selected = query.trim() !== "" && matches[match] === i;
              return (
                <li key={i} data-line={i} className={`${styles.line} ${styles[`kind-${line.kind}`]} ${active ? styles.active : ""} ${selected ? styles.selected : ""}`}>
                  <button type="button" onClick={() => seek(line.tMs / 1000)} aria-current={active ? "true" : undefined} data-testid="log-line">
                    <time className={styles.lineTime}>{clock(line.tMs / 1000)}</time>
                    <span className={styles.lineText}>
                      {line.kind === "clipboard" ? <span className={styles.tag}>clipboard</span> : null}
                      {line.kind === "window" ? <span className={styles.tag}>window</span> : null}
                      {/* Typed but not (or not yet) a query: e.g. edited with arrows or several statements on one line. */}
                      {line.kind === "keys" && props.isDatabase ? <span className={styles.tag}>typed</span> : null}
                      {line.kind === "command" ? "$ " : null}
                      {line.text}
                      {line.kind === "query" ? (
                        <span className={line.outcome === "error" ? styles.queryError : styles.queryOk}> — {line.detail}</span>
                      ) : null}
                    </span>
                  </button>
                </li>
              );
            })}
          </ol>
        )}
      </aside>
    </div>
  );
}
