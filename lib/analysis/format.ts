/** "01:02:03": the moment of a finding, from the session start (hours grow past 99 if needed). */
export function formatOffset(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${pad(Math.floor(total / 3600))}:${pad(Math.floor((total % 3600) / 60))}:${pad(total % 60)}`;
}

/** The player's address at a moment of a session (whole seconds, rounded down so the moment is still ahead). */
export function playerHref(hash: string, ms: number): string {
  return `/sessions/${encodeURIComponent(hash)}/play?t=${Math.max(0, Math.floor(ms / 1000))}`;
}
