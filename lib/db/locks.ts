import pg from "pg";
import { databaseUrl, getPool } from "./client";

/**
 * PostgreSQL advisory locks: one of a kind of work at a time across every
 * process and node sharing the database. A lock lives on its connection, so a
 * process killed while holding it drops it with the connection and whoever
 * waits takes over; that is also how a sweep tells crashed work from live work.
 *
 * Keys are two int4: the class of work (one per kind, listed here so that no
 * two kinds collide) and the item (an id, or the hash of a text id).
 */
export const LOCK_CLASSES = {
  /** Assembling a recording's chunks into its media (lib/ingest/assemble.ts). */
  assembly: 0x41534d, // "ASM"
  /** Making a recording playable (lib/hls/prepare.ts). */
  playback: 0x484c53, // "HLS"
  /** Converting a video for download (lib/exports/convert.ts). */
  export: 0x455850, // "EXP"
  /** Counting a sign-in attempt of one account (lib/users/queries.ts), for the length of a transaction. */
  signInAccount: 0x53494e, // "SIN"
  /** Counting a sign-in attempt from one address (lib/users/queries.ts), for the length of a transaction. */
  signInAddress: 0x534941, // "SIA"
  /** Copying a node's held chunks to the shared store, one process per node (lib/cluster/sync.ts). */
  sync: 0x53594e, // "SYN"
} as const;

export type LockKey = { class: number; id: number | string };

function keySql(key: LockKey): { text: string; values: [number, number | string] } {
  return typeof key.id === "number"
    ? { text: "$1::int4, $2::int4", values: [key.class, key.id % 2 ** 31] }
    : { text: "$1::int4, hashtext($2)", values: [key.class, key.id] };
}

/** What a holder can ask while it works. */
export type HeldLock = {
  /**
   * Throws if the lock's connection has dropped (a database restart): another
   * process may hold the lock now, so this one must not write its outcome.
   */
  stillHeld: () => Promise<void>;
};

/**
 * Runs `work` holding the lock, on a connection of the pool. `wait: "block"`
 * waits in PostgreSQL; `wait: { pollMs, signal, until }` polls a try-lock so
 * that a cancelled request stops waiting, and gives up (returning `until`'s
 * answer) as soon as `until` finds the work done by someone else.
 */
export async function withAdvisoryLock<T>(
  key: LockKey,
  work: (lock: HeldLock) => Promise<T>,
  wait: "block" | { pollMs: number; signal?: AbortSignal; until?: () => Promise<T | undefined> } = "block",
): Promise<T> {
  const { text, values } = keySql(key);
  const client = await getPool().connect();
  try {
    if (wait === "block") {
      await client.query(`select pg_advisory_lock(${text})`, values);
    } else {
      for (;;) {
        const { rows } = await client.query<{ locked: boolean }>(`select pg_try_advisory_lock(${text}) as locked`, values);
        if (rows[0]?.locked) break;
        wait.signal?.throwIfAborted();
        await new Promise((r) => setTimeout(r, wait.pollMs));
        const done = await wait.until?.();
        if (done !== undefined) return done;
      }
    }
    try {
      return await work({ stillHeld: async () => void (await client.query("select 1")) });
    } finally {
      await client.query(`select pg_advisory_unlock(${text})`, values);
    }
  } finally {
    client.release();
  }
}

/**
 * Takes the lock without waiting, on a connection of its own (not the pool's:
 * the holder keeps it for as long as a long conversion runs); null when
 * someone else holds it. `release` closes the connection, which frees it.
 */
export async function tryAdvisoryLock(key: LockKey): Promise<{ release: () => Promise<void> } | null> {
  const { text, values } = keySql(key);
  const client = new pg.Client({ connectionString: databaseUrl() });
  await client.connect();
  try {
    const { rows } = await client.query<{ locked: boolean }>(`select pg_try_advisory_lock(${text}) as locked`, values);
    if (!rows[0]?.locked) {
      await client.end();
      return null;
    }
  } catch (error) {
    await client.end().catch(() => {});
    throw error;
  }
  return { release: () => client.end() };
}

/** Whether someone holds the lock right now. */
export async function isAdvisoryLocked(key: LockKey): Promise<boolean> {
  const lock = await tryAdvisoryLock(key);
  if (!lock) return true;
  await lock.release();
  return false;
}
