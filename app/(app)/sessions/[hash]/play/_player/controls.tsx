import { useState } from "react";
import styles from "../player.module.css";
import { clock } from "./clock";
import type { PlaybackState } from "./use-playback-state";

const SPEEDS = [0.5, 1, 1.5, 2, 4, 8, 16];

/**
 * The row of controls under the timeline: play/pause, the clock, speed, skip
 * idle, mute and volume, fullscreen, the link to this moment, save frame, next
 * finding and the shortcut list's button.
 */
export function Controls(props: {
  playback: PlaybackState;
  hash: string;
  /** The player's own path (an account's, or an assessor's) for the link to this moment. */
  playerPath?: string;
  hasAudio: boolean;
  hasIdle: boolean;
  hasMarkers: boolean;
  help: boolean;
  onTogglePlay: () => void;
  onFullscreen: () => void;
  onNextFinding: () => void;
  /** Null while the session is live (its frames are not stored as one file yet). */
  onSaveFrame: (() => void) | null;
  onToggleHelp: () => void;
}) {
  const { time, total, paused, speed, volume, muted, skipIdle } = props.playback;
  const [copied, setCopied] = useState(false);

  const copyLink = async () => {
    const url = `${window.location.origin}${props.playerPath ?? `/sessions/${encodeURIComponent(props.hash)}/play`}?t=${Math.floor(time)}`;
    try {
      await navigator.clipboard.writeText(url);
    } catch {
      window.prompt("Copy the link to this moment:", url);
    }
    setCopied(true);
    setTimeout(() => setCopied(false), 2000);
  };

  return (
    <div className={styles.controls}>
      <button type="button" className="button" onClick={props.onTogglePlay} aria-label={paused ? "Play" : "Pause"}>
        {paused ? "▶ Play" : "❚❚ Pause"}
      </button>
      <span className={styles.clock} data-testid="clock">
        {clock(time)} / {clock(total)}
      </span>
      <label>
        Speed{" "}
        <select value={speed} onChange={(e) => props.playback.changeSpeed(Number(e.target.value))}>
          {SPEEDS.map((s) => (
            <option key={s} value={s}>
              {s}×
            </option>
          ))}
        </select>
      </label>
      <label title={props.hasIdle ? "Jump over stretches with no screen change and no input" : "No idle stretch found"}>
        <input type="checkbox" checked={skipIdle} onChange={(e) => props.playback.setSkipIdle(e.target.checked)} disabled={!props.hasIdle} /> Skip idle periods
      </label>
      <button
        type="button"
        className="button"
        onClick={props.playback.toggleMute}
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
        onChange={(e) => props.playback.changeVolume(Number(e.target.value))}
      />
      <button type="button" className="button" onClick={props.onFullscreen}>
        Fullscreen
      </button>
      <button type="button" className="button" onClick={() => void copyLink()}>
        {copied ? "Link copied" : "Copy link to this moment"}
      </button>
      {props.onSaveFrame ? (
        <button type="button" className="button" onClick={props.onSaveFrame} title="Key s: a PNG of this frame with the session, the time and your name">
          Save frame
        </button>
      ) : null}
      {props.hasMarkers ? (
        <button type="button" className="button" onClick={props.onNextFinding}>
          Next finding ›
        </button>
      ) : null}
      <button type="button" className="button" onClick={props.onToggleHelp} aria-expanded={props.help} aria-label="Keyboard shortcuts">
        ?
      </button>
    </div>
  );
}
