import "server-only";
import { createHash } from "node:crypto";
import { getAuditChainHead, listChainedAuditRows, type ChainedAuditRow } from "./queries";

/**
 * The audit trail's hash chain, checked from its first row to its head. The
 * database's trigger (drizzle/0007_audit_chain_trigger.sql) chains each new
 * row; this recomputes every hash here, independently of the database's own
 * function, so a row changed behind the triggers' back (by an owner or a
 * superuser), a row removed from the middle or cut off the end, or a replaced
 * hash function all show as the first position where the chain breaks.
 */

/** The hash before the first row. */
export const GENESIS_HASH = "0".repeat(64);

const BATCH = 5_000;

/** A field as the trigger writes it: "<length in characters>:<value>", or "-" for null. */
const field = (value: string | null) => (value === null ? "-" : `${[...value].length}:${value}`);

export function auditRowHash(prevHash: string, row: Omit<ChainedAuditRow, "id" | "prevHash" | "hash">): string {
  const text = [
    prevHash,
    field(String(row.chainSeq)),
    field(row.atText),
    field(row.actorId),
    field(row.actorEmail),
    field(row.action),
    field(row.targetType),
    field(row.targetId),
    field(row.ip),
    field(row.detailsText),
  ].join("\n");
  return createHash("sha256").update(text, "utf8").digest("hex");
}

export type AuditChainReport =
  | { ok: true; rows: number; headSeq: number; headHash: string }
  | {
      ok: false;
      rows: number;
      headSeq: number;
      headHash: string;
      /** The first position where the chain does not hold, and the id of the row there (null when it is missing). */
      brokenAt: { seq: number; id: number | null; problem: string };
    };

/** Checks the whole chain in batches; memory stays flat whatever the length of the trail. */
export async function verifyAuditChain(): Promise<AuditChainReport> {
  const head = (await getAuditChainHead()) ?? { seq: 0, hash: GENESIS_HASH };
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let rows = 0;
  const broken = (seq: number, id: number | null, problem: string): AuditChainReport => ({
    ok: false,
    rows,
    headSeq: head.seq,
    headHash: head.hash,
    brokenAt: { seq, id, problem },
  });
  for (;;) {
    const batch = await listChainedAuditRows({ afterSeq: expectedSeq - 1, uptoSeq: head.seq, limit: BATCH });
    for (const row of batch) {
      if (row.chainSeq !== expectedSeq) return broken(expectedSeq, null, `the row at position ${expectedSeq} is missing`);
      if (row.prevHash !== prevHash) return broken(row.chainSeq, row.id, "its link to the previous row does not match");
      if (auditRowHash(prevHash, row) !== row.hash) return broken(row.chainSeq, row.id, "its contents do not match its hash");
      prevHash = row.hash;
      expectedSeq++;
      rows++;
    }
    if (batch.length < BATCH) break;
  }
  if (expectedSeq - 1 !== head.seq) return broken(expectedSeq, null, `the chain ends at position ${expectedSeq - 1}, its head says ${head.seq}`);
  if (prevHash !== head.hash) return broken(head.seq, null, "the last row's hash is not the head's");
  return { ok: true, rows, headSeq: head.seq, headHash: head.hash };
}
