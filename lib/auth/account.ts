/**
 * The rules of a signed-in account that hold without a request: shared by
 * getViewer (lib/auth/viewer.ts) and the queries that check the account in the
 * same statement as what it asks for (lib/hls/queries.ts), which also run in
 * the worker, outside Next.js.
 */

/** What the session cookie says, before the database is asked: whose it is and from which session version. */
export type SessionToken = { userId: string; sessionVersion: number };

/**
 * Whether the account still accepts a token: it is enabled, and no password
 * reset has raised its session version since the token was issued (which signs
 * out every earlier token).
 */
export function accountAccepts(account: { disabledAt: Date | null; sessionVersion: number }, token: SessionToken): boolean {
  return !account.disabledAt && account.sessionVersion === token.sessionVersion;
}
