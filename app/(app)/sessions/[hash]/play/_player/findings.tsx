import type { Marker } from "@/lib/player/markers";
import styles from "../player.module.css";
import { clock } from "./clock";

/**
 * The findings beside the log (audited commands matched, failed queries):
 * a click seeks to one, and while clips are on "Clip ±30 s" sets the clip
 * around it, ready for "Generate clip for download".
 */
export function Findings(props: { findings: Marker[]; onSeek: (s: number) => void; onClipAround: ((tMs: number) => void) | null }) {
  const shown = props.findings.filter((f) => f.kind === "finding" || f.kind === "query-error");
  if (shown.length === 0) return null;
  return (
    <nav className={styles.chapters} aria-label="Findings">
      <h2>Findings</h2>
      <ol>
        {shown.map((f, i) => (
          <li key={i} className={styles.line} data-testid="finding">
            <button type="button" onClick={() => props.onSeek(f.tMs / 1000)}>
              <time className={styles.lineTime}>{clock(f.tMs / 1000)}</time>
              <span className={styles.lineText}>{f.label}</span>
            </button>
            {props.onClipAround ? (
              <button
                type="button"
                className={`button button-small ${styles.clipAround}`}
                onClick={() => props.onClipAround?.(f.tMs)}
                aria-label={`Clip ±30 s around the finding at ${clock(f.tMs / 1000)}`}
              >
                Clip ±30 s
              </button>
            ) : null}
          </li>
        ))}
      </ol>
    </nav>
  );
}
