import "server-only";
import type { AuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { z } from "zod";
import { recordAudit } from "@/lib/audit";
import { claimSignInAttempt, getUserByEmail, getUserById, settleSignInAttempt } from "@/lib/users/queries";
import { env } from "@/lib/env";
import { dummyPasswordHash, verifyPassword } from "@/lib/users/password";
import { clientAddress } from "./client-address";
import { createSignIn, endSignIn } from "./queries";
import { decideThrottle, lockedMessage, THROTTLE } from "./throttle";

const credentialsSchema = z.object({
  email: z.string().trim().email().max(320),
  password: z.string().min(1).max(1024),
});

export const INVALID_CREDENTIALS = "Invalid email or password.";

/** The client's address as our web server saw it (lib/auth/client-address.ts), from next-auth's plain header object. */
function clientIp(headers: Record<string, unknown> | undefined): string | null {
  return clientAddress({ get: (name) => (typeof headers?.[name] === "string" ? (headers[name] as string) : null) });
}

/** Throttling counts unknown addresses (a server other than ours in front) together. */
const UNKNOWN_ADDRESS = "unknown";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const authOptions: AuthOptions = {
  secret: env.NEXTAUTH_SECRET,
  session: { strategy: "jwt", maxAge: Math.round(env.SESSION_MAX_AGE_HOURS * 3600) },
  jwt: { maxAge: Math.round(env.SESSION_MAX_AGE_HOURS * 3600) },
  pages: { signIn: "/signin", error: "/signin" },
  providers: [
    CredentialsProvider({
      name: "Email and password",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(credentials, req) {
        const parsed = credentialsSchema.safeParse(credentials ?? {});
        if (!parsed.success) throw new Error(INVALID_CREDENTIALS);
        const { email, password } = parsed.data;
        const ip = clientIp(req?.headers as Record<string, unknown> | undefined);
        const throttleIp = ip ?? UNKNOWN_ADDRESS;

        // The attempt is counted before its password is checked, in one step with the decision.
        const since = new Date(Date.now() - THROTTLE.windowMinutes * 60_000);
        const claim = await claimSignInAttempt({
          email,
          ip: throttleIp,
          since,
          decide: (failures) => {
            const decision = decideThrottle({ ...failures, now: new Date() });
            return { allowed: decision.kind === "allow", decision };
          },
        });
        const { decision } = claim;
        if (decision.kind === "locked" || claim.attemptId === null) {
          const scope = decision.kind === "locked" ? decision.scope : "account";
          await recordAudit({ actor: null, action: "auth.sign_in_locked", ip, details: { email, scope } });
          throw new Error(lockedMessage(decision.kind === "locked" ? decision.retryAfterSeconds : THROTTLE.lockMinutes * 60, scope));
        }
        if (decision.delayMs > 0) await sleep(decision.delayMs);

        const user = await getUserByEmail({ email });
        const ok = await verifyPassword(user?.passwordHash ?? (await dummyPasswordHash()), password);
        if (!user || !ok || user.disabledAt) {
          await recordAudit({
            actor: user ? { id: user.id, email: user.email } : null,
            action: "auth.sign_in_failed",
            ip,
            details: { email, reason: !user ? "unknown account" : user.disabledAt && ok ? "disabled" : "wrong password" },
          });
          throw new Error(user?.disabledAt && ok ? "This account is disabled. Ask an administrator." : INVALID_CREDENTIALS);
        }
        await settleSignInAttempt({ attemptId: claim.attemptId });
        const signInId = await createSignIn({ userId: user.id, ip });
        await recordAudit({ actor: { id: user.id, email: user.email }, action: "auth.sign_in", ip, details: { signIn: signInId } });
        return { id: user.id, email: user.email, name: user.name, sessionVersion: user.sessionVersion, signInId };
      },
    }),
  ],
  events: {
    // Signing out ends this sign-in on the server: a copy of its cookie is refused from now on (other browsers stay signed in).
    async signOut({ token }) {
      const id = typeof token?.sub === "string" ? token.sub : null;
      if (!id) return;
      const signInId = typeof token?.sid === "string" ? token.sid : null;
      const ended = signInId ? await endSignIn({ id: signInId, userId: id }) : false;
      const user = await getUserById({ id }).catch(() => null);
      await recordAudit({
        actor: user ? { id: user.id, email: user.email } : null,
        action: "auth.sign_out",
        details: { ...(user ? {} : { userId: id }), signIn: signInId, ended },
      });
    },
  },
  callbacks: {
    // Only the user id, the account's session version and the sign-in travel in the token; role
    // and status are read fresh from the database (getViewer), which also refuses an old version
    // and a sign-in that was ended (signed out) or left idle.
    jwt({ token, user }) {
      if (user) {
        token.sub = user.id;
        token.sv = (user as { sessionVersion?: number }).sessionVersion ?? 0;
        token.sid = (user as { signInId?: string }).signInId;
      }
      return token;
    },
    session({ session, token }) {
      return { ...session, userId: token.sub };
    },
  },
};
