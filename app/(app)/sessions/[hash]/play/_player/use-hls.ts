import type HlsType from "hls.js";
import { useCallback, useEffect, useRef, useState, type RefObject } from "react";

export type LoadState = "loading" | "playing" | "processing" | "error";

/**
 * Attaches the stream to the video element: hls.js where MSE exists, native HLS
 * otherwise (Safari). Opens at `startS`; while the server is still preparing the
 * stream (503/409, or 404 for a live session with no complete part yet) it shows
 * "processing" and tries again every 4 s. `togglePlay` is here because of the
 * attach: it resets the element (and rejects its play promise), so Play pressed
 * before the playlist is in is remembered and honoured once it is.
 */
export function useHls(videoRef: RefObject<HTMLVideoElement | null>, options: { src: string; startS: number; live: boolean }) {
  const { src, startS, live } = options;
  const hlsRef = useRef<HlsType | null>(null);
  const [load, setLoad] = useState<LoadState>("loading");
  const [error, setError] = useState<string | null>(null);
  const [retry, setRetry] = useState(0);
  const readyRef = useRef(false);
  const pendingPlayRef = useRef(false);

  useEffect(() => {
    const video = videoRef.current;
    if (!video) return;
    let cancelled = false;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    const start = startS;
    (async () => {
      const { default: Hls } = await import("hls.js");
      if (cancelled) return;
      if (Hls.isSupported()) {
        const hls = new Hls({
          startPosition: start > 0 ? start : -1,
          maxBufferLength: 30,
          backBufferLength: 60,
          enableWorker: true,
          // A live playlist announces a 10-s target duration, an upper bound that must hold from its first
          // version (RFC 8216 §6.2.1), while its segments are as short as the proxy's keyframe interval
          // (1 s or more): hls.js would trail the live edge by three target durations (30 s). Three of the
          // longest segments listed instead (set below as the playlist grows).
          ...(live ? { liveSyncDuration: 3 } : {}),
        });
        hlsRef.current = hls;
        if (live) {
          hls.on(Hls.Events.LEVEL_UPDATED, (_event, data) => {
            const longest = data.details.fragments.reduce((m, f) => Math.max(m, f.duration), 1);
            hls.config.liveSyncDuration = 3 * longest;
          });
        }
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
          if (status === 503 || status === 409 || (live && status === 404)) {
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
        hls.loadSource(src);
        hls.attachMedia(video);
      } else if (video.canPlayType("application/vnd.apple.mpegurl")) {
        video.src = src;
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
  }, [videoRef, src, startS, live, retry]);

  const togglePlay = useCallback(() => {
    const video = videoRef.current;
    if (!video) return;
    if (!readyRef.current) {
      pendingPlayRef.current = !pendingPlayRef.current;
      return;
    }
    if (video.paused) void video.play().catch(() => {});
    else video.pause();
  }, [videoRef]);

  return { load, error, togglePlay };
}
