import "server-only";
import type { AuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { z } from "zod";
import { recordAudit } from "@/lib/audit";
import { claimSignInAttempt, getUserByEmail, getUserById, settleSignInAttempt } from "@/lib/users/queries";
import { env } from "@/lib/env";
import { dummyPasswordHash, verifyPassword } from "@/lib/users/password";
import { decideThrottle, lockedMessage, THROTTLE } from "./throttle";

const credentialsSchema = z.object({
  email: z.string().trim().email().max(320),
  password: z.string().min(1).max(1024),
});

export const INVALID_CREDENTIALS = "Invalid email or password.";

function clientIp(headers: Record<string, unknown> | undefined): string {
  const forwarded = headers?.["x-forwarded-for"];
  const first = typeof forwarded === "string" ? forwarded.split(",")[0]?.trim() : undefined;
  const real = headers?.["x-real-ip"];
  return first || (typeof real === "string" ? real : "") || "unknown";
}

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

        // The attempt is counted before its password is checked, in one step with the decision.
        const since = new Date(Date.now() - THROTTLE.windowMinutes * 60_000);
        const claim = await claimSignInAttempt({
          email,
          ip,
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
        await recordAudit({ actor: { id: user.id, email: user.email }, action: "auth.sign_in", ip });
        return { id: user.id, email: user.email, name: user.name, sessionVersion: user.sessionVersion };
      },
    }),
  ],
  events: {
    async signOut({ token }) {
      const id = typeof token?.sub === "string" ? token.sub : null;
      if (!id) return;
      const user = await getUserById({ id }).catch(() => null);
      await recordAudit({ actor: user ? { id: user.id, email: user.email } : null, action: "auth.sign_out", details: user ? undefined : { userId: id } });
    },
  },
  callbacks: {
    // Only the user id and the account's session version travel in the token; role and
    // status are read fresh from the database (getViewer), which also refuses an old version.
    jwt({ token, user }) {
      if (user) {
        token.sub = user.id;
        token.sv = (user as { sessionVersion?: number }).sessionVersion ?? 0;
      }
      return token;
    },
    session({ session, token }) {
      return { ...session, userId: token.sub };
    },
  },
};
