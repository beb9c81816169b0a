import { useCallback, useMemo, useState } from "react";
import type { Marker, PlayerNote, PlayerReview } from "@/lib/player/types";

/**
 * The notes of the session in the player: kept in the page's state, so that a
 * note added or edited shows at once on the timeline (as "note" markers) and
 * in the log, without reloading the page (which would count as another play).
 * `draftAt` is the moment of the note being written, when one is.
 */
export function useNotes(review: PlayerReview) {
  const [notes, setNotes] = useState<PlayerNote[]>(review.notes);
  const [draftAt, setDraftAt] = useState<number | null>(null);

  const upsert = useCallback((note: PlayerNote) => {
    setNotes((list) => [...list.filter((n) => n.id !== note.id), note].sort((a, b) => a.tMs - b.tMs || a.id - b.id));
  }, []);

  const markers = useMemo<Marker[]>(
    () => notes.map((n) => ({ tMs: n.tMs, kind: "note" as const, label: `Note by ${n.authorName}: ${n.text}`, criticality: null })),
    [notes],
  );

  return { notes, markers, upsert, draftAt, setDraftAt };
}

export type NotesState = ReturnType<typeof useNotes>;
