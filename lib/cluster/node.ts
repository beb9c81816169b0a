import "server-only";
import { readFileSync } from "node:fs";
import path from "node:path";
import { env } from "@/lib/env";
import { assembleRecordingJob } from "@/lib/jobs/assemble-recording";
import { installObjectLock, stopWatchingRecordingDeletions, watchRecordingDeletions } from "@/lib/retention";
import { checkStorageAtStart, getStorage } from "@/lib/storage";
import { listStalledAssemblies, markNodeStopped, saveHeartbeat } from "./queries";
import { syncHeldChunks } from "./sync";

/** How often a node says it is alive; Settings > Cluster calls a node silent after three missed beats. */
export const HEARTBEAT_MS = 5_000;
export const SILENT_AFTER_MS = 3 * HEARTBEAT_MS;
/** How often a node looks for held chunks to copy (each chunk also has its own backoff). */
const SYNC_POLL_MS = 1_000;
/** How often a node queues again the assemblies that wait (on chunks now synchronized, or on a store that was down). */
const STALLED_ASSEMBLY_CHECK_MS = 30_000;
const STALLED_ASSEMBLY_AFTER_S = 60;

function productVersion(): string {
  try {
    return (JSON.parse(readFileSync(path.resolve("package.json"), "utf8")) as { version?: string }).version ?? "unknown";
  } catch {
    return "unknown";
  }
}

export function nodeUrl(): string {
  return env.NODE_URL ?? env.NEXTAUTH_URL ?? `http://localhost:${env.PORT}`;
}

/**
 * Runs this node's part of the cluster in this process: checks the store at
 * start (a wrong bucket or key stops the start), registers the node with a
 * heartbeat (name, URL, version, whether its worker runs, the store's health
 * as this node sees it), copies the chunks it holds to the shared store, and
 * queues again assemblies that wait. On local storage it only registers.
 */
export async function startNode({ worker }: { worker: boolean }): Promise<{ stop: () => Promise<void> }> {
  const storage = getStorage();
  await checkStorageAtStart(env.NODE_NAME, storage);
  installObjectLock(storage);
  await watchRecordingDeletions(storage);
  const version = productVersion();
  let stopped = false;
  let starting = true;
  const beat = async () => {
    const health = await storage.health();
    await saveHeartbeat({
      name: env.NODE_NAME,
      url: nodeUrl(),
      version,
      pid: process.pid,
      workerRunning: worker,
      storage: `${storage.kind}: ${storage.describe()}`,
      storeOk: health.ok,
      storeError: health.error,
      storeLatencyMs: health.latencyMs,
      starting,
    });
    starting = false;
  };
  await beat();
  console.log(`[cluster] node ${env.NODE_NAME} (${nodeUrl()}) registered; storage ${storage.describe()}`);

  const timers: NodeJS.Timeout[] = [];
  const every = (ms: number, work: () => Promise<unknown>, what: string) => {
    let running = false;
    timers.push(
      setInterval(() => {
        if (running || stopped) return;
        running = true;
        work()
          .catch((error) => console.error(`[cluster] ${what}:`, error instanceof Error ? error.message : error))
          .finally(() => (running = false));
      }, ms).unref(),
    );
  };
  every(HEARTBEAT_MS, beat, "heartbeat");
  if (storage.held) {
    every(SYNC_POLL_MS, () => syncHeldChunks({ node: env.NODE_NAME, storage }), "sync of held chunks");
    every(
      STALLED_ASSEMBLY_CHECK_MS,
      async () => {
        for (const recordingId of await listStalledAssemblies({ olderThanSeconds: STALLED_ASSEMBLY_AFTER_S })) {
          await assembleRecordingJob.send({ recordingId });
        }
      },
      "stalled assemblies",
    );
  }
  return {
    stop: async () => {
      stopped = true;
      for (const t of timers) clearInterval(t);
      await stopWatchingRecordingDeletions();
      await markNodeStopped({ name: env.NODE_NAME, pid: process.pid }).catch(() => undefined);
    },
  };
}
