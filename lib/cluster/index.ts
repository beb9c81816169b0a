/**
 * The cluster: several nodes behind one product, sharing one PostgreSQL (rows,
 * jobs) and, with STORAGE=s3, one S3-compatible store (bytes). Each node
 * registers with a heartbeat (node.ts). A chunk is acknowledged once it is in
 * the shared store, or, when the store cannot take it, once it is fsynced on
 * the receiving node's disk and recorded as held by that node; the node's
 * sync (sync.ts) copies it to the store later, and other nodes show the
 * recording as synchronizing until then.
 */
export { HEARTBEAT_MS, nodeUrl, SILENT_AFTER_MS, startNode } from "./node";
export { syncHeldChunks } from "./sync";
export { getHeldChunksOfRecording, listNodes, listSynchronizingRecordings, summarizeHeldChunksByNode, type HeldSummary } from "./queries";
