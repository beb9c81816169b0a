import { useEffect, useState } from "react";
import type { ThumbnailIndex } from "@/lib/domain/thumbnails";

/** While thumbnails are still being made (or the session is live), the index is asked for again this often. */
const PENDING_POLL_MS = 5_000;

/**
 * The timeline thumbnails' index, fetched once (and again while more are
 * being made), and every sheet it names loaded ahead into the browser's
 * cache: hovering the timeline then only moves a background, with no request.
 * Null while there is none: the timeline keeps its time-only hover.
 */
export function useThumbnails(url: string, pending: boolean): ThumbnailIndex | null {
  const [index, setIndex] = useState<ThumbnailIndex | null>(null);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const loaded = new Map<string, HTMLImageElement>();
    const load = async () => {
      let more = pending;
      try {
        const response = await fetch(url, { credentials: "same-origin", cache: "no-store" });
        if (response.ok) {
          const body = (await response.json()) as { index: ThumbnailIndex | null; pending: boolean };
          more = body.pending;
          if (body.index && !stopped) {
            for (const sheet of body.index.sheets) {
              if (loaded.has(sheet)) continue;
              const image = new Image();
              image.decoding = "async";
              image.src = sheet;
              loaded.set(sheet, image);
            }
            setIndex(body.index);
          }
        } else if (response.status === 401 || response.status === 404) {
          more = false;
        }
      } catch {
        // Offline for a moment: try again later if more were coming.
      }
      if (more && !stopped) timer = setTimeout(() => void load(), PENDING_POLL_MS);
    };
    void load();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [url, pending]);

  return index;
}
