/** `npm run worker`: a background worker on its own, sharing the queue with any others. */
import { startNode } from "@/lib/cluster";
import { closeDb } from "@/lib/db/client";
import { startWorker } from "@/lib/worker";
import { prepareRuntime } from "@/lib/setup/runtime";

const { embedded } = await prepareRuntime();
const node = await startNode({ worker: true });
const worker = await startWorker();
const stop = async () => {
  await worker.stop();
  await node.stop();
  await closeDb();
  await embedded?.stop();
  process.exit(0);
};
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
