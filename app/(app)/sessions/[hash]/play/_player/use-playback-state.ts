import { useCallback, useEffect, useRef, useState, type RefObject } from "react";
import { skipTarget, type IdlePeriod } from "@/lib/player/idle";

/**
 * What the video element is doing (time, duration, paused, speed, volume,
 * muted), mirrored from its events so the controls follow the keyboard and
 * the browser's own changes; the commands that change it (seek, frame step,
 * speed, mute, volume); and skipping idle stretches while it plays.
 */
export function usePlaybackState(
  videoRef: RefObject<HTMLVideoElement | null>,
  options: { startS: number; durationMs: number; idle: IdlePeriod[]; frameRate: number },
) {
  const { idle, frameRate } = options;
  const [time, setTime] = useState(options.startS);
  const [duration, setDuration] = useState(options.durationMs / 1000);
  const [paused, setPaused] = useState(true);
  const [speed, setSpeed] = useState(1);
  const [volume, setVolume] = useState(1);
  const [muted, setMuted] = useState(false);
  const [skipIdle, setSkipIdle] = useState(false);
  // The latest value, for the timeupdate listener, which is not attached again when the checkbox changes.
  const skipIdleRef = useRef(skipIdle);
  useEffect(() => {
    skipIdleRef.current = skipIdle;
  }, [skipIdle]);

  useEffect(() => {
    const video = videoRef.current;
    if (!video) return;
    const onTime = () => {
      setTime(video.currentTime);
      if (skipIdleRef.current && !video.paused) {
        const target = skipTarget(idle, video.currentTime * 1000);
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
  }, [videoRef, idle]);

  const seek = useCallback(
    (s: number) => {
      const video = videoRef.current;
      if (!video) return;
      const t = Math.max(0, Math.min(s, duration || s));
      video.currentTime = t;
      setTime(t);
    },
    [videoRef, duration],
  );

  /** Moves by whole frames of the recording's own rate, and pauses. */
  const step = useCallback(
    (frames: number) => {
      const video = videoRef.current;
      if (!video) return;
      video.pause();
      video.currentTime = Math.max(0, video.currentTime + frames / frameRate);
    },
    [videoRef, frameRate],
  );

  const changeSpeed = useCallback(
    (rate: number) => {
      if (videoRef.current) videoRef.current.playbackRate = rate;
      setSpeed(rate);
    },
    [videoRef],
  );

  const toggleMute = useCallback(() => {
    if (videoRef.current) videoRef.current.muted = !videoRef.current.muted;
  }, [videoRef]);

  /** The volume slider: 0 mutes, anything else unmutes. */
  const changeVolume = useCallback(
    (value: number) => {
      const video = videoRef.current;
      if (!video) return;
      video.volume = value;
      video.muted = value === 0;
    },
    [videoRef],
  );

  return {
    time,
    duration,
    /** The length the timeline and the clock show: the element's once known, else the recording's. */
    total: duration || options.durationMs / 1000 || 1,
    paused,
    speed,
    volume,
    muted,
    skipIdle,
    setSkipIdle,
    seek,
    step,
    changeSpeed,
    toggleMute,
    changeVolume,
  };
}

export type PlaybackState = ReturnType<typeof usePlaybackState>;
