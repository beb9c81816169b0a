import { Fragment, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { lineAt, searchLines, type LogLine } from "@/lib/player/keylog";
import styles from "../player.module.css";
import { clock } from "./clock";

/**
 * The keystroke log (the query log of a database session) beside the video:
 * the line being played is marked and kept in view, a click on a line seeks
 * there, and the search box narrows the log and steps through its matches
 * (Enter, Shift+Enter, ‹ ›), seeking to each. The line being played offers
 * "Clip ±30 s" while clips are on. `extra` items (the notes at a
 * moment) are shown among the lines at their time, while the log is not
 * searched; `onAddNote` adds a "+ note" button to each line.
 */
export function KeystrokeLog(props: {
  log: LogLine[];
  isDatabase: boolean;
  time: number;
  onSeek: (s: number) => void;
  /** "Clip ±30 s" on the line being played; null when clips are off. */
  onClipAround: ((tMs: number) => void) | null;
  extra?: { tMs: number; key: string; node: ReactNode }[];
  onAddNote?: (tMs: number) => void;
}) {
  const { log, isDatabase, onSeek, onAddNote } = props;
  const logRef = useRef<HTMLOListElement>(null);
  const [query, setQuery] = useState("");
  const [match, setMatch] = useState(0);

  const current = lineAt(log, props.time * 1000);
  const matches = useMemo(() => searchLines(log, query), [log, query]);
  const visible = query.trim() ? matches : log.map((_, i) => i);
  // The extra items before each line (by time), and those after the last line.
  const extras = useMemo(() => {
    const before = new Map<number, ReactNode[]>();
    const after: ReactNode[] = [];
    for (const item of props.extra ?? []) {
      const at = log.findIndex((l) => l.tMs > item.tMs);
      if (at < 0) after.push(item.node);
      else before.set(at, [...(before.get(at) ?? []), item.node]);
    }
    return { before, after };
  }, [props.extra, log]);
  const searching = query.trim() !== "";

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
    const line = log[matches[next]!];
    if (line) onSeek(line.tMs / 1000);
  };

  return (
    <aside className={styles.log} aria-label={isDatabase ? "Query log" : "Keystroke log"}>
      <div className={styles.logHead}>
        <h2>{isDatabase ? "Query log" : "Keystroke log"}</h2>
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
      {log.length === 0 && !props.extra?.length ? (
        <p className="empty muted">No keystrokes, clipboard or window events were recorded.</p>
      ) : (
        <ol ref={logRef} className={styles.lines}>
          {visible.map((i) => {
            const line = log[i]!;
            const active = i === current;
            const selected = query.trim() !== "" && matches[match] === i;
            return (
              <Fragment key={i}>
                {!searching ? extras.before.get(i) : null}
                <li data-line={i} className={`${styles.line} ${styles[`kind-${line.kind}`]} ${active ? styles.active : ""} ${selected ? styles.selected : ""}`}>
                  <button type="button" onClick={() => onSeek(line.tMs / 1000)} aria-current={active ? "true" : undefined} data-testid="log-line">
                    <time className={styles.lineTime}>{clock(line.tMs / 1000)}</time>
                    <span className={styles.lineText}>
                      {line.kind === "clipboard" ? <span className={styles.tag}>clipboard</span> : null}
                      {line.kind === "window" ? <span className={styles.tag}>window</span> : null}
                      {/* Typed but not (or not yet) a query: e.g. edited with arrows or several statements on one line. */}
                      {line.kind === "keys" && isDatabase ? <span className={styles.tag}>typed</span> : null}
                      {line.kind === "command" ? "$ " : null}
                      {line.text}
                      {line.kind === "query" ? <span className={line.outcome === "error" ? styles.queryError : styles.queryOk}> — {line.detail}</span> : null}
                    </span>
                  </button>
                  {active && props.onClipAround ? (
                    <button type="button" className={`button button-small ${styles.clipAround}`} onClick={() => props.onClipAround?.(line.tMs)}>
                      Clip ±30 s
                    </button>
                  ) : null}
                  {onAddNote ? (
                    <button
                      type="button"
                      className={styles.addNote}
                      onClick={() => onAddNote(line.tMs)}
                      aria-label={`Add a note at ${clock(line.tMs / 1000)}`}
                      title="Add a note at this line"
                    >
                      + note
                    </button>
                  ) : null}
                </li>
              </Fragment>
            );
          })}
          {!searching ? extras.after : null}
        </ol>
      )}
    </aside>
  );
}
