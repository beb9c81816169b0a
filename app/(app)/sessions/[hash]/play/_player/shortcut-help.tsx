import styles from "../player.module.css";
import { SHORTCUTS } from "./use-shortcuts";

/** The list "?" opens. */
export function ShortcutHelp() {
  return (
    <div className={`panel ${styles.help}`} role="dialog" aria-label="Keyboard shortcuts">
      <dl className="facts">
        {SHORTCUTS.map(([k, v]) => (
          <div key={k} style={{ display: "contents" }}>
            <dt>
              <kbd>{k}</kbd>
            </dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
