import "server-only";
import { EventEmitter } from "node:events";
import pg from "pg";
import { sql } from "drizzle-orm";
import { databaseUrl } from "@/lib/db/client";

/**
 * How a command issued on any node reaches the node a proxy holds its
 * command channel open on: the transaction that stores a command also sends
 * `NOTIFY live_commands, '<api token id>'` (delivered when it commits), and
 * every process that has a proxy waiting LISTENs on one dedicated connection
 * and wakes the waiters of that token. PostgreSQL is the only thing the
 * nodes share, so nothing else is needed in a cluster.
 *
 * A notification is only a wake-up: the waiter then reads the table, so a
 * notification lost while the listening connection was down costs at most
 * one fallback poll (RECHECK_MS, shorter while the connection is down).
 */
export const LIVE_COMMANDS_CHANNEL = "live_commands";

/** How often a waiter reads the table anyway while its listener is up, and while it is down. */
export const RECHECK_MS = 5_000;
export const RECHECK_DOWN_MS = 500;

type State = { client: pg.Client | null; connecting: Promise<void> | null; events: EventEmitter; waiters: number };
const state: State = ((globalThis as { __sessionVideoLiveChannel?: State }).__sessionVideoLiveChannel ??= {
  client: null,
  connecting: null,
  events: new EventEmitter().setMaxListeners(0),
  waiters: 0,
});

/** The SQL that wakes the waiters of `tokenId`: run it inside the transaction that stores the command. */
export function notifyCommandsSql(tokenId: string) {
  return sql`select pg_notify(${LIVE_COMMANDS_CHANNEL}, ${tokenId})`;
}

function listen(): Promise<void> {
  if (state.client) return Promise.resolve();
  state.connecting ??= (async () => {
    const client = new pg.Client({ connectionString: databaseUrl() });
    const drop = (error?: Error) => {
      if (error) console.error(`[live] command listener lost (pid ${process.pid}): ${error.message}`);
      if (state.client === client) state.client = null;
      client.removeAllListeners();
      void client.end().catch(() => undefined);
    };
    client.on("error", drop);
    client.on("end", () => drop());
    client.on("notification", (n) => {
      if (n.channel === LIVE_COMMANDS_CHANNEL && n.payload) state.events.emit(n.payload);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${LIVE_COMMANDS_CHANNEL}`);
      state.client = client;
    } catch (error) {
      drop(error as Error);
    }
  })().finally(() => {
    state.connecting = null;
  });
  return state.connecting;
}

/** Closes the listening connection when no one waits any more (the tests, a shutdown). */
export async function closeCommandListener(): Promise<void> {
  const client = state.client;
  state.client = null;
  await client?.end().catch(() => undefined);
}

/**
 * A subscription to the wake-ups of one API token. Subscribe BEFORE reading
 * the table: a command committed between the read and the wait still wakes it.
 */
export async function subscribeToCommands(tokenId: string): Promise<{
  /** Resolves on a wake-up for this token, after `ms`, or when `signal` aborts. */
  next: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** The longest the caller should wait before reading the table again. */
  recheckMs: () => number;
  close: () => void;
}> {
  await listen();
  state.waiters++;
  let pending = false;
  let wake: (() => void) | null = null;
  const onNotify = () => {
    pending = true;
    wake?.();
  };
  state.events.on(tokenId, onNotify);
  return {
    next: (ms, signal) =>
      new Promise<void>((resolve) => {
        if (pending || signal?.aborted) {
          pending = false;
          resolve();
          return;
        }
        const done = () => {
          clearTimeout(timer);
          signal?.removeEventListener("abort", done);
          wake = null;
          pending = false;
          resolve();
        };
        const timer = setTimeout(done, Math.max(0, ms));
        signal?.addEventListener("abort", done, { once: true });
        wake = done;
      }),
    recheckMs: () => {
      if (!state.client) void listen();
      return state.client ? RECHECK_MS : RECHECK_DOWN_MS;
    },
    close: () => {
      state.events.off(tokenId, onNotify);
      state.waiters--;
    },
  };
}
