import { markerAt, type Marker } from "@/lib/player/markers";
import styles from "../player.module.css";
import { clock } from "./clock";

/**
 * The chapters beside the log: each window title and, in a terminal session,
 * each command, with its time; the one being played is marked, a click seeks
 * to it (as `n` and `p` do).
 */
export function Chapters(props: { chapters: Marker[]; time: number; onSeek: (s: number) => void }) {
  if (props.chapters.length === 0) return null;
  const current = markerAt(props.chapters, props.time * 1000 + 1);
  return (
    <nav className={styles.chapters} aria-label="Chapters">
      <h2>Chapters</h2>
      <ol>
        {props.chapters.map((c, i) => {
          const active = c === current;
          return (
            <li key={i} className={`${styles.line} ${active ? styles.active : ""}`}>
              <button type="button" onClick={() => props.onSeek(c.tMs / 1000)} aria-current={active ? "true" : undefined} data-testid="chapter">
                <time className={styles.lineTime}>{clock(c.tMs / 1000)}</time>
                <span className={styles.lineText}>{c.label}</span>
              </button>
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
