/**
 * Another node of the cluster, for the command-channel tests: a separate
 * process with its own database pool issues one live command through the
 * same function the action calls, then prints when its transaction committed.
 * Usage: tsx --conditions=react-server tests/support/issue-live-command.ts <database url> <user id> <hash> <kind> [text]
 */
import { closeDb, useDatabaseUrl } from "@/lib/db/client";
import { issueLiveCommand } from "@/lib/live";
import { getUserById } from "@/lib/users/queries";
import type { LiveCommandKind } from "@/lib/domain/live";

const [url, userId, hash, kind, text] = process.argv.slice(2);
useDatabaseUrl(url!);
const user = await getUserById({ id: userId! });
if (!user) throw new Error(`no user ${userId}`);
const command = await issueLiveCommand({
  viewer: { id: user.id, email: user.email, name: user.name, role: user.role },
  hash: hash!,
  kind: kind as LiveCommandKind,
  text: text ?? null,
});
console.log(JSON.stringify({ id: command.id, committedAt: Date.now(), pid: process.pid }));
await closeDb();
