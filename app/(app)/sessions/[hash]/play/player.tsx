"use client";
import type HlsType from "hls.js";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { formatDuration } from "@/lib/format";
import { heatmapPath } from "@/lib/player/heatmap";
import { skipTarget } from "@/lib/player/idle";
import { lineAt, searchLines } from "@/lib/player/keylog";
import type { PlayerProps } from "@/lib/player/types";
import styles from "./player.module.css";

const SPEEDS = [0.5, 1, 1.5, 2, 4, 8, 16];
const SHORTCUTS: [string, string][] = [
  ["Space", "Play / pause"],
  ["← / →", "Back / forward 5 s"],
  [", / .", "Previous / next frame (pauses)"],
  ["m", "Mute / unmute"],
  ["f", "Fullscreen"],
  ["n", "Next finding"],
  ["?", "Show / hide this list"],
];

type LoadState = "loading" | "playing" | "processing" | "error";

function clock(s: number) {
  return formatDuration(Math.max(0, s) * 1000);
}

export function Player(props: PlayerProps) {
  const videoRef = useRef<HTMLVideoElement>(null);
  const frameRef = useRef<HTMLDivElement>(null);
  const logRef = useRef<HTMLOListElement>(null);
  const hlsRef = useRef<HlsType | null>(null);
  const [load, setLoad] = useState<LoadState>("loading");
  const [error, setError] = useState<string | null>(null);
  const [time, setTime] = useState(props.startS);
  const [duration, setDuration] = useState(props.durationMs / 1000);
  const [paused, setPaused] = useState(true);
  const [speed, setSpeed] = useState(1);
  const [volume, setVolume] = useState(1);
  const [muted, setMuted] = useState(false);
  const [skipIdle, setSkipIdle] = useState(false);
  const [help, setHelp] = useState(false);
  const [hover, setHover] = useState<number | null>(null);
  const [query, setQuery] = useState("");
  const [match, setMatch] = useState(0);
  const [copied, setCopied] = useState(false);
  const [retry, setRetry] = useState(0);
  const skipIdleRef = useRef(skipIdle);
  // eslint-disable-next-line react-hooks/refs -- the latest value, read by the timeupdate listener that is not re-attached when the checkbox changes
  skipIdleRef.current = skipIdle;
  // Play pressed before the stream is attached: attaching resets the element (and rejects
  // its play promise), so remember the wish and start once the playlist is in.
  const readyRef = useRef(false);
  const pendingPlayRef = useRef(false);

  // ─── Media: hls.js where MSE exists, native HLS otherwise (Safari) ─────────
  useEffect(() => {
    const video = videoRef.current;
    if (!video) return;
    let cancelled = false;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    const start = props.startS;
    (async () => {
      const { default: Hls } = await import("hls.js");
      if (cancelled) return;
      if (Hls.isSupported()) {
        const hls = new Hls({ startPosition: start > 0 ? start : -1, maxBufferLength: 30, backBufferLength: 60, enableWorker: true });
        hlsRef.current = hls;
        hls.on(Hls.Events.MANIFEST_PARSED, () => {
          readyRef.current = true;
          setLoad("playing");
          if (pendingPlayRef.current) {
            pendingPlayRef.current = false;
            void video.play().catch(() => {});
          }
        });
        hls.on(Hls.Events.ERROR, (_event, data) => {
          if (!data.fatal) return;
          const status = data.response?.code;
          if (status === 503 || status === 409 || (props.live && status === 404)) {
            // Being prepared in the background: show it and try again shortly.
            setLoad("processing");
            hls.destroy();
            hlsRef.current = null;
            retryTimer = setTimeout(() => setRetry((n) => n + 1), 4000);
            return;
          }
          if (data.type === Hls.ErrorTypes.MEDIA_ERROR) {
            hls.recoverMediaError();
            return;
          }
          setLoad("error");
          setError(
            status === 401
              ? "Your sign-in has expired: sign in again to play."
              : status === 404
                ? "The video is not available."
                : status === 422
                  ? "The recording cannot be played: ffmpeg cannot read it."
                  : `The video could not be loaded (${data.details}).`,
          );
        });
        hls.loadSource(props.src);
        hls.attachMedia(video);
      } else if (video.canPlayType("application/vnd.apple.mpegurl")) {
        video.src = props.src;
        readyRef.current = true;
        if (start > 0) video.addEventListener("loadedmetadata", () => (video.currentTime = start), { once: true });
        setLoad("playing");
      } else {
        setLoad("error");
        setError("This browser cannot play HLS video.");
      }
    })();
    return () => {
      cancelled = true;
      readyRef.current = false;
      clearTimeout(retryTimer);
      hlsRef.current?.destroy();
      hlsRef.current = null;
    };
  }, [props.src, props.startS, props.live, retry]);

  // ─── Media element events ─────────────────────────────────────────────────
  useEffect(() => {
    const video = videoRef.current;
    if (!video) return;
    const onTime = () => {
      setTime(video.currentTime);
      if (skipIdleRef.current && !video.paused) {
        const target = skipTarget(props.idle, video.currentTime * 1000);
        if (target !== null) video.currentTime = target / 1000;
      }
    };
    const onDuration = () => {
      if (Number.isFinite(video.duration) && video.duration > 0) setDuration(video.duration);
    };
    const onPlay = () => setPaused(false);
    const onPause = () => setPaused(true);
    const onVolume = () => {
      setVolume(video.volume);
      setMuted(video.muted);
    };
    const onRate = () => setSpeed(video.playbackRate);
    video.addEventListener("timeupdate", onTime);
    video.addEventListener("seeked", onTime);
    video.addEventListener("durationchange", onDuration);
    video.addEventListener("play", onPlay);
    video.addEventListener("pause", onPause);
    video.addEventListener("volumechange", onVolume);
    video.addEventListener("ratechange", onRate);
    return () => {
      video.removeEventListener("timeupdate", onTime);
      video.removeEventListener("seeked", onTime);
      video.removeEventListener("durationchange", onDuration);
      video.removeEventListener("play", onPlay);
      video.removeEventListener("pause", onPause);
      video.removeEventListener("volumechange", onVolume);
      video.removeEventListener("ratechange", onRate);
    };
  }, [props.idle]);

  const seek = useCallback(
    (s: number) => {
      const video = videoRef.current;
      if (!video) return;
      const t = Math.max(0, Math.min(s, duration || s));
      video.currentTime = t;
      setTime(t);
    },
    [duration],
  );

  const togglePlay = useCallback(() => {
    const video = videoRef.current;
    if (!video) return;
    if (!readyRef.current) {
      pendingPlayRef.current = !pendingPlayRef.current;
      return;
    }
    if (video.paused) void video.play().catch(() => {});
    else video.pause();
  }, []);

  const step = useCallback(
    (frames: number) => {
      const video = videoRef.current;
      if (!video) return;
      video.pause();
      video.currentTime = Math.max(0, video.currentTime + frames / props.frameRate);
    },
    [props.frameRate],
  );

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

  // ─── Keyboard shortcuts (not while typing in the search box) ─────────────
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (target && (target.tagName === "INPUT" || target.tagName === "SELECT" || target.tagName === "TEXTAREA")) return;
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const video = videoRef.current;
      if (!video) return;
      switch (e.key) {
        case " ":
          if (target?.tagName === "BUTTON") return; // the focused button handles its own Space
          e.preventDefault();
          togglePlay();
          break;
        case "ArrowLeft":
          e.preventDefault();
          seek(video.currentTime - 5);
          break;
        case "ArrowRight":
          e.preventDefault();
          seek(video.currentTime + 5);
          break;
        case ",":
          step(-1);
          break;
        case ".":
          step(1);
          break;
        case "m":
          video.muted = !video.muted;
          break;
        case "f":
          fullscreen();
          break;
        case "n":
          nextFinding();
          break;
        case "?":
          setHelp((h) => !h);
          break;
        case "Escape":
          setHelp(false);
          break;
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [togglePlay, seek, step, fullscreen, nextFinding]);

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

  // ─── Timeline geometry ─────────────────────────────────────────────────────
  const W = 1000;
  const H = 48;
  const total = duration || props.durationMs / 1000 || 1;
  const paths = useMemo(
    () => ({
      screen: heatmapPath(props.heatmap.screen, W, H),
      input: heatmapPath(props.heatmap.input, W, H),
      audio: props.heatmap.audio ? heatmapPath(props.heatmap.audio, W, H) : "",
    }),
    [props.heatmap],
  );
  const fromPointer = (e: React.MouseEvent<HTMLDivElement>) => {
    const rect = e.currentTarget.getBoundingClientRect();
    return (Math.max(0, Math.min(rect.width, e.clientX - rect.left)) / rect.width) * total;
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
          onClick={(e) => seek(fromPointer(e))}
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
          </svg>
          {props.markers.map((m, i) => (
            <span
              key={i}
              className={`${styles.marker} ${m.kind === "query-error" ? styles.markerQuery : styles[`marker-${m.criticality ?? "low"}`]}`}
              style={{ left: `${(m.tMs / 1000 / total) * 100}%` }}
              title={`${clock(m.tMs / 1000)} ${m.label}`}
            />
          ))}
          <span className={styles.playhead} style={{ left: `${(Math.min(time, total) / total) * 100}%` }} />
          {hover !== null ? (
            <span className={styles.hover} style={{ left: `${(hover / total) * 100}%` }}>
              {clock(hover)}
            </span>
          ) : null}
        </div>
        <div className={styles.legend} aria-hidden>
          <span className={styles.legendInput}>■ keys, clicks, pointer</span>
          <span className={styles.legendScreen}>■ screen changes</span>
          {props.heatmap.audio ? <span className={styles.legendAudio}>■ audio</span> : null}
          {props.idle.length ? <span className={styles.legendIdle}>■ idle</span> : null}
        </div>

        <div className={styles.controls}>
          <button type="button" className="button" onClick={togglePlay} aria-label={paused ? "Play" : "Pause"}>
            {paused ? "▶ Play" : "❚❚ Pause"}
          </button>
          <span className={styles.clock} data-testid="clock">
            {clock(time)} / {clock(total)}
          </span>
          <label>
            Speed{" "}
            <select
              value={speed}
              onChange={(e) => {
                const v = Number(e.target.value);
                if (videoRef.current) videoRef.current.playbackRate = v;
                setSpeed(v);
              }}
            >
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
            onClick={() => {
              if (videoRef.current) videoRef.current.muted = !videoRef.current.muted;
            }}
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
            onChange={(e) => {
              const video = videoRef.current;
              if (!video) return;
              video.volume = Number(e.target.value);
              video.muted = Number(e.target.value) === 0;
            }}
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
          <button type="button" className="button" onClick={() => setHelp((h) => !h)} aria-expanded={help} aria-label="Keyboard shortcuts">
            ?
          </button>
        </div>
        {help ? (
          <div className={`panel ${styles.help}`} role="dialog" aria-label="Keyboard shortcuts">
            <dl className="facts">
              {SHORTCUTS.map(([k, v]) => (
                <div key={k} style={{ display: "contents" }}>
                  <dt>
                    <kbd>{k}</kbd>
                  </dt>
                  <dd>{v}</dd>
                </div>
              ))}
            </dl>
          </div>
        ) : null}
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
