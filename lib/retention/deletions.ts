import "server-only";
import pg from "pg";
import { databaseUrl } from "@/lib/db/client";
import { getStorage, storageKeys, type Storage } from "@/lib/storage";
import { RECORDING_DELETED_CHANNEL } from "./queries";

/**
 * A deletion seen by every node: the transaction that deletes a recording
 * (and the purge once its objects are gone) sends `NOTIFY recording_deleted,
 * '<recording id>,…'`, and every process that reads from a shared store
 * LISTENs on one connection and drops its cached blocks of that recording.
 * A listener that (re)connects drops the whole cache first: a deletion
 * notified while it was not listening leaves nothing behind. Reads check the
 * recording's row as well (a deleted one has no playable file), so a node's
 * cache never serves a deleted recording even before the notification.
 */

type State = { client: pg.Client | null; connecting: Promise<void> | null; storages: Set<Storage>; retry: NodeJS.Timeout | null };
const state: State = ((globalThis as { __sessionVideoDeletionWatch?: State }).__sessionVideoDeletionWatch ??= {
  client: null,
  connecting: null,
  storages: new Set(),
  retry: null,
});

function connect(): Promise<void> {
  if (state.client) return Promise.resolve();
  state.connecting ??= (async () => {
    const client = new pg.Client({ connectionString: databaseUrl() });
    const drop = (error?: Error) => {
      if (error) console.error(`[retention] deletion listener lost (pid ${process.pid}): ${error.message}`);
      if (state.client === client) state.client = null;
      client.removeAllListeners();
      void client.end().catch(() => undefined);
      // Listen again soon; until then reads still check the recording's row.
      if (state.storages.size > 0 && !state.retry) {
        state.retry = setTimeout(() => {
          state.retry = null;
          void connect();
        }, 2_000).unref();
      }
    };
    client.on("error", drop);
    client.on("end", () => drop());
    client.on("notification", (n) => {
      if (n.channel !== RECORDING_DELETED_CHANNEL || !n.payload || !/^[0-9]+(,[0-9]+)*$/.test(n.payload)) return;
      for (const id of n.payload.split(",")) {
        const prefix = storageKeys.recordingPrefix(Number(id));
        for (const storage of state.storages) storage.forgetCached(prefix);
      }
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${RECORDING_DELETED_CHANNEL}`);
      state.client = client;
      // Whatever was cached before this connection listened may belong to a deletion it did not hear of.
      for (const storage of state.storages) storage.forgetCached();
    } catch (error) {
      drop(error as Error);
    }
  })().finally(() => {
    state.connecting = null;
  });
  return state.connecting;
}

/** Drops `storage`'s cached blocks of every recording deleted on any node from now on (once per storage; nothing for local disk). */
export async function watchRecordingDeletions(storage: Storage = getStorage()): Promise<void> {
  if (storage.kind === "local") return;
  if (!state.storages.has(storage)) {
    state.storages.add(storage);
    // What it cached before it was watched may belong to a deletion it did not hear of.
    storage.forgetCached();
  }
  await connect();
}

/** Stops listening (the tests, a shutdown). */
export async function stopWatchingRecordingDeletions(): Promise<void> {
  state.storages.clear();
  if (state.retry) clearTimeout(state.retry);
  state.retry = null;
  const client = state.client;
  state.client = null;
  client?.removeAllListeners();
  await client?.end().catch(() => undefined);
}
