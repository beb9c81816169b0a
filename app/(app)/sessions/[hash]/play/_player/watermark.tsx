import styles from "./review.module.css";

/**
 * The assessor's email over the picture, repeated across it, so that a photo
 * or a capture of the screen says whose view it was. Not a protection of the
 * stream (downloads carry it burned in, see lib/exports); it cannot be clicked.
 */
export function Watermark({ text }: { text: string }) {
  return (
    <div className={styles.watermark} aria-hidden data-testid="watermark">
      {Array.from({ length: 9 }, (_, i) => (
        <span key={i}>{text}</span>
      ))}
    </div>
  );
}
