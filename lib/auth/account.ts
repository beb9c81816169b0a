/**
 * The rules of a signed-in account that hold without a request: shared by
 * getViewer (lib/auth/viewer.ts) and the queries that check the account in the
 * same statement as what it asks for (lib/hls/queries.ts), which also run in
 * the worker, outside Next.js.
 */

/**
 * What the session cookie says, before the database is asked: whose it is,
 * from which session version, and which sign-in (null for a cookie made
 * before sign-ins were recorded: it is refused).
 */
export type SessionToken = { userId: string; sessionVersion: number; signInId: string | null };

/** How often a request moves a sign-in's last-seen time forward: the idle timeout's granularity. */
export const SIGN_IN_TOUCH_SECONDS = 30;

/**
 * Whether the account still accepts a token: it is enabled, no password
 * reset has raised its session version since the token was issued (which
 * signs out every earlier token), and the token's own sign-in is alive (not
 * signed out, not idle past the timeout: the query that read it says).
 */
export function accountAccepts(account: { disabledAt: Date | null; sessionVersion: number; signInAlive: boolean | null }, token: SessionToken): boolean {
  return !account.disabledAt && account.sessionVersion === token.sessionVersion && token.signInId !== null && account.signInAlive === true;
}
