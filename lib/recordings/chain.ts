import { createHash } from "node:crypto";

/** h_0: the chain starts from 32 zero bytes. */
export const CHAIN_START = "0".repeat(64);

/**
 * One link of the hash chain over a recording's chunks:
 * h_n = sha256(h_{n-1} || sha256_n), both as raw 32-byte digests.
 * Changing, removing or reordering any chunk changes every later link.
 */
export function chainLink(previous: string, chunkSha256: string): string {
  return createHash("sha256").update(Buffer.from(previous, "hex")).update(Buffer.from(chunkSha256, "hex")).digest("hex");
}

/** The head of the chain over the chunk hashes in seq order. */
export function chainHead(chunkSha256s: Iterable<string>): string {
  let head = CHAIN_START;
  for (const h of chunkSha256s) head = chainLink(head, h);
  return head;
}
