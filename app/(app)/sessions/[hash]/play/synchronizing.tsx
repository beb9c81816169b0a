import { Time } from "@/app/_components/time";
import { SILENT_AFTER_MS } from "@/lib/cluster";
import { formatDuration, formatSize } from "@/lib/format";
import type { WaitingOn } from "@/lib/hls/playback";

/**
 * "Synchronizing": what this node of the cluster is waiting for before it can
 * play the recording — which node holds chunks the shared store does not have
 * yet, how many and how large, since when, and why the last copy failed. The
 * page refreshes itself and plays once the bytes are in the store.
 */
export function SynchronizingNotice({ waiting, reason, now }: { waiting: WaitingOn[]; reason: string | null; now: Date }) {
  return (
    <div className="alert alert-info" data-state="synchronizing">
      <p>
        Synchronizing: the video is not in the cluster&apos;s shared store yet, so this server cannot play it. This page updates by itself and plays it as soon
        as the bytes arrive.
      </p>
      {waiting.length > 0 ? (
        <ul data-testid="synchronizing-waiting">
          {waiting.map((w) => {
            const silent = !w.nodeSeenAt || now.getTime() - w.nodeSeenAt.getTime() > SILENT_AFTER_MS;
            return (
              <li key={w.node} data-node={w.node} data-chunks={w.chunks} data-bytes={w.bytes}>
                Waiting on node <strong>{w.node}</strong>
                {w.nodeUrl ? <span className="muted"> ({w.nodeUrl})</span> : null}: {w.chunks} chunk{w.chunks === 1 ? "" : "s"} ({formatSize(w.bytes)}) still to
                copy, since <Time date={w.since} /> ({formatDuration(Math.max(0, now.getTime() - w.since.getTime()))} ago).
                {silent ? (
                  <span className="muted">
                    {" "}
                    That node has not been heard from{" "}
                    {w.nodeSeenAt ? (
                      <>
                        since <Time date={w.nodeSeenAt} />
                      </>
                    ) : (
                      "yet"
                    )}
                    : the chunks are on its disk only.
                  </span>
                ) : null}
                {w.lastError ? (
                  <span className="muted">
                    {" "}
                    Last attempt ({w.attempts}): {w.lastError}
                  </span>
                ) : null}
              </li>
            );
          })}
        </ul>
      ) : reason ? (
        <p className="muted">{reason}</p>
      ) : null}
    </div>
  );
}
