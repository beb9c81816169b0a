"use client";
import { useCallback, useMemo, useRef, useState } from "react";
import { clipAround } from "@/lib/player/clip";
import { markersOf, nextMarker, previousMarker } from "@/lib/player/markers";
import type { PlayerProps } from "@/lib/player/types";
import { Chapters } from "./_player/chapters";
import { ClipControls, type ClipDraft } from "./_player/clip-controls";
import { Controls } from "./_player/controls";
import { Findings } from "./_player/findings";
import { KeystrokeLog } from "./_player/keystroke-log";
import { NoteLine } from "./_player/note-line";
import { ReviewBar } from "./_player/review-bar";
import { ShortcutHelp } from "./_player/shortcut-help";
import { Timeline } from "./_player/timeline";
import { useHls } from "./_player/use-hls";
import { usePlaybackState } from "./_player/use-playback-state";
import { useNotes } from "./_player/use-notes";
import { useShortcuts } from "./_player/use-shortcuts";
import { useThumbnails } from "./_player/use-thumbnails";
import { Watermark } from "./_player/watermark";
import styles from "./player.module.css";

/**
 * The session player: the video (its stream in `use-hls`, its state in
 * `use-playback-state`), the heatmap timeline with its thumbnails
 * (`use-thumbnails`), the controls, the keyboard shortcuts, the keystroke log
 * and the chapters. This file composes them and owns the two
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
  const notes = useNotes(props.review);
  const markers = useMemo(() => [...props.markers, ...notes.markers].sort((a, b) => a.tMs - b.tMs), [props.markers, notes.markers]);
  const noteLines = useMemo(
    () =>
      notes.notes.map((n) => ({
        tMs: n.tMs,
        key: `note-${n.id}`,
        node: (
          <NoteLine
            key={`note-${n.id}`}
            note={n}
            editable={props.review.canAnnotate && n.authorId === props.review.viewerId}
            onSeek={seek}
            onSaved={notes.upsert}
          />
        ),
      })),
    [notes.notes, notes.upsert, props.review.canAnnotate, props.review.viewerId, seek],
  );

  const fullscreen = useCallback(() => {
    const el = frameRef.current;
    if (!el) return;
    if (document.fullscreenElement) void document.exitFullscreen();
    else void el.requestFullscreen().catch(() => {});
  }, []);

  const thumbnails = useThumbnails(props.thumbnailsUrl, props.thumbnailsPending);
  const findings = useMemo(() => markersOf(props.markers, "finding"), [props.markers]);
  const chapters = useMemo(() => markersOf(props.markers, "chapter"), [props.markers]);

  const nextFinding = useCallback(() => {
    const next = nextMarker(findings, time * 1000);
    if (next) seek(next.tMs / 1000);
  }, [findings, time, seek]);
  const nextChapter = useCallback(() => {
    const next = nextMarker(chapters, (videoRef.current?.currentTime ?? time) * 1000);
    if (next) seek(next.tMs / 1000);
  }, [chapters, time, seek]);
  const previousChapter = useCallback(() => {
    const previous = previousMarker(chapters, (videoRef.current?.currentTime ?? time) * 1000);
    seek(previous ? previous.tMs / 1000 : 0);
  }, [chapters, time, seek]);

  const [clip, setClip] = useState<ClipDraft>(props.initialClip ?? { startMs: null, endMs: null });
  const nowMs = useCallback(() => Math.round((videoRef.current?.currentTime ?? time) * 1000), [time]);
  // Setting one end past the other moves the other: the range stays in order.
  const clipFrom = useCallback(() => {
    const t = nowMs();
    setClip((c) => ({ startMs: t, endMs: c.endMs !== null && c.endMs <= t ? null : c.endMs }));
  }, [nowMs]);
  const clipTo = useCallback(() => {
    const t = nowMs();
    setClip((c) => ({ startMs: c.startMs !== null && c.startMs >= t ? null : c.startMs, endMs: t }));
  }, [nowMs]);

  // "Clip ±30 s" from a log line or a finding: the recording's length once the video knows it, else the page's.
  const totalMs = playback.total > 0 ? playback.total * 1000 : props.durationMs;
  const clipAroundOf = useMemo(() => (props.clipsEnabled ? (tMs: number) => setClip(clipAround(tMs, totalMs)) : null), [props.clipsEnabled, totalMs]);

  /** "Save frame" (key s): the server renders the PNG of this moment at the recording's size, with its caption, and audits it. */
  const saveFrame = useCallback(() => {
    const t = videoRef.current?.currentTime ?? time;
    const link = document.createElement("a");
    link.href = `${props.frameUrl}?t=${t.toFixed(3)}`;
    link.download = "";
    document.body.appendChild(link);
    link.click();
    link.remove();
  }, [props.frameUrl, time]);

  const { help, toggleHelp } = useShortcuts(videoRef, {
    togglePlay,
    seek,
    step: playback.step,
    toggleMute: playback.toggleMute,
    fullscreen,
    nextFinding,
    nextChapter,
    previousChapter,
    clipFrom: props.clipsEnabled ? clipFrom : null,
    clipTo: props.clipsEnabled ? clipTo : null,
    saveFrame: props.live ? null : saveFrame,
  });

  return (
    <div className={styles.layout}>
      <div className={styles.main}>
        <div ref={frameRef} className={styles.frame}>
          <video ref={videoRef} className={styles.video} playsInline preload="auto" onClick={togglePlay} aria-label="Session video" data-testid="video" />
          {props.review.watermark ? <Watermark text={props.review.watermark} /> : null}
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

        <Timeline
          time={time}
          total={playback.total}
          heatmap={props.heatmap}
          idle={props.idle}
          markers={markers}
          thumbnails={thumbnails}
          clip={props.clipsEnabled ? clip : null}
          onSeek={seek}
        />

        <Controls
          playback={playback}
          hash={props.hash}
          playerPath={props.review.playerPath}
          hasAudio={props.hasAudio}
          hasIdle={props.idle.length > 0}
          hasMarkers={findings.length > 0}
          help={help}
          onTogglePlay={togglePlay}
          onFullscreen={fullscreen}
          onNextFinding={nextFinding}
          onSaveFrame={props.live ? null : saveFrame}
          onToggleHelp={toggleHelp}
        />
        {props.clipsEnabled ? (
          <ClipControls
            hash={props.hash}
            draft={clip}
            durationMs={playback.total * 1000}
            onFrom={clipFrom}
            onTo={clipTo}
            onClear={() => setClip({ startMs: null, endMs: null })}
          />
        ) : null}
        {help ? <ShortcutHelp /> : null}
        <ReviewBar hash={props.hash} review={props.review} notes={notes} time={time} />
      </div>

      <div>
        <KeystrokeLog
          log={props.log}
          isDatabase={props.isDatabase}
          time={time}
          onSeek={seek}
          onClipAround={clipAroundOf}
          extra={noteLines}
          onAddNote={props.review.canAnnotate ? (tMs) => notes.setDraftAt(tMs) : undefined}
        />
        <Findings findings={findings} onSeek={seek} onClipAround={clipAroundOf} />
        <Chapters chapters={chapters} time={time} onSeek={seek} />
      </div>
    </div>
  );
}
