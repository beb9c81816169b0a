import { useCallback, useEffect, useState, type RefObject } from "react";

/** The keys the player answers, as the "?" list shows them. */
export const SHORTCUTS: [string, string][] = [
  ["Space", "Play / pause"],
  ["← / →", "Back / forward 5 s"],
  [", / .", "Previous / next frame (pauses)"],
  ["m", "Mute / unmute"],
  ["f", "Fullscreen"],
  ["n / p", "Next / previous chapter"],
  ["Shift+N", "Next finding"],
  ["[ / ]", "Clip from here / to here (when video download is on)"],
  ["s", "Save frame (PNG)"],
  ["?", "Show / hide this list"],
];

/**
 * The player's keyboard shortcuts on the whole window (not while typing in the
 * search box or another field, not with Ctrl, Cmd or Alt), and whether the list
 * of them is open: "?" toggles it, Escape closes it.
 */
export function useShortcuts(
  videoRef: RefObject<HTMLVideoElement | null>,
  actions: {
    togglePlay: () => void;
    seek: (s: number) => void;
    step: (frames: number) => void;
    toggleMute: () => void;
    fullscreen: () => void;
    nextFinding: () => void;
    nextChapter: () => void;
    previousChapter: () => void;
    /** Null when clips are off. */
    clipFrom: (() => void) | null;
    clipTo: (() => void) | null;
    saveFrame: (() => void) | null;
  },
) {
  const { togglePlay, seek, step, toggleMute, fullscreen, nextFinding, nextChapter, previousChapter, clipFrom, clipTo, saveFrame } = actions;
  const [help, setHelp] = useState(false);

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
          toggleMute();
          break;
        case "f":
          fullscreen();
          break;
        case "n":
          nextChapter();
          break;
        case "p":
          previousChapter();
          break;
        case "N":
          nextFinding();
          break;
        case "[":
          clipFrom?.();
          break;
        case "]":
          clipTo?.();
          break;
        case "s":
          saveFrame?.();
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
  }, [videoRef, togglePlay, seek, step, toggleMute, fullscreen, nextFinding, nextChapter, previousChapter, clipFrom, clipTo, saveFrame]);

  const toggleHelp = useCallback(() => setHelp((h) => !h), []);
  return { help, toggleHelp };
}
