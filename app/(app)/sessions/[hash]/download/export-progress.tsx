"use client";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";

type Snapshot = { status: string; progress: number; etaSeconds: number | null };

function timeLeft(seconds: number | null): string {
  if (seconds === null) return "estimating time left…";
  if (seconds < 60) return `about ${Math.max(1, seconds)} s left`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `about ${m} min ${seconds % 60} s left`;
  return `about ${Math.floor(m / 60)} h ${m % 60} min left`;
}

/**
 * Live progress of a conversion: polls the export's JSON route every second
 * and reloads the page's server part when the conversion ends.
 */
export function ExportProgress({ exportId, initial }: { exportId: string; initial: Snapshot }) {
  const router = useRouter();
  const [snap, setSnap] = useState(initial);
  useEffect(() => {
    let stopped = false;
    const tick = async () => {
      try {
        const res = await fetch(`/api/exports/${exportId}`, { cache: "no-store" });
        if (!res.ok) return;
        const next = (await res.json()) as Snapshot;
        if (stopped) return;
        setSnap(next);
        if (next.status !== "queued" && next.status !== "running") {
          stopped = true;
          router.refresh();
        }
      } catch {
        // A missed poll is retried on the next tick.
      }
    };
    const timer = setInterval(() => void (stopped ? undefined : tick()), 1000);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [exportId, router]);
  const percent = Math.floor(snap.progress * 100);
  // What screen readers hear: the state and every tenth percent, not each second's figure.
  const spoken = snap.status === "queued" ? "Waiting for a worker to start the conversion." : `Conversion ${Math.floor(percent / 10) * 10} % done.`;
  return (
    <div data-testid="export-progress">
      <p className="visually-hidden" role="status">
        {spoken}
      </p>
      <progress max={100} value={percent} style={{ width: "100%", height: "1.25rem" }} aria-label="Conversion progress" />
      <p>
        {snap.status === "queued" ? (
          "Waiting for a worker to start the conversion…"
        ) : (
          <>
            <strong data-testid="export-percent">{percent} %</strong> · <span>{timeLeft(snap.etaSeconds)}</span>
          </>
        )}
      </p>
    </div>
  );
}
