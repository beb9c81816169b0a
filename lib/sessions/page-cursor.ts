/**
 * `?after=<µs>_<id>`: the (started_at in µs, id) of the last session of the
 * previous page, for the lists ordered newest first by session start
 * (occurrences, command search). Anything malformed is the first page, with
 * a flag so the page can say so.
 */
export type StartedCursor = { startedAtUs: number; id: number };

export function parseStartedCursor(raw: string | string[] | undefined): { cursor: StartedCursor | null; invalid: boolean } {
  if (raw === undefined) return { cursor: null, invalid: false };
  const match = typeof raw === "string" && raw.length <= 60 ? /^(-?\d{1,18})_(\d{1,18})$/.exec(raw) : null;
  if (!match) return { cursor: null, invalid: true };
  const startedAtUs = Number(match[1]);
  const id = Number(match[2]);
  if (!Number.isSafeInteger(startedAtUs) || !Number.isSafeInteger(id)) return { cursor: null, invalid: true };
  return { cursor: { startedAtUs, id }, invalid: false };
}

export function formatStartedCursor(cursor: StartedCursor): string {
  return `${cursor.startedAtUs}_${cursor.id}`;
}
