import "server-only";
import { decode, getToken, type JWT } from "next-auth/jwt";
import { forbidden, redirect } from "next/navigation";
import { cookies, headers } from "next/headers";
import { cache } from "react";
import type { Role } from "@/lib/domain/roles";
import { accountAccepts, type SessionToken } from "./account";
import { clientAddress } from "./client-address";
import { RETURN_PATH_HEADER, safeReturnPath } from "./return-path";
import { getSignedInAccount } from "./queries";
import { authOptions } from "./options";

export type { SessionToken } from "./account";

/** Who is asking: read from the signed session cookie, then checked against the database. */
export type Viewer = { id: string; email: string; name: string; role: Role };

/**
 * Decoded session tokens by their text. next-auth derives the key (HKDF) and
 * decrypts the JWE on every call, about half a millisecond; the player asks for
 * a segment every few seconds with the same cookie. A token's text is bound to
 * its content (authenticated encryption), so the cache holds only what decoding
 * it again would give; its expiry is still checked on every use, and the
 * account is still read from the database.
 */
const decodedTokens = new Map<string, JWT>();
const DECODED_MAX = 1000;

async function decodeRemembered(params: Parameters<typeof decode>[0]): Promise<JWT | null> {
  const text = params.token;
  if (!text) return null;
  const hit = decodedTokens.get(text);
  if (hit) {
    if (typeof hit.exp === "number" && hit.exp * 1000 > Date.now()) return hit;
    decodedTokens.delete(text);
    return null;
  }
  const payload = await decode(params);
  if (payload && typeof payload.exp === "number") {
    decodedTokens.set(text, payload);
    if (decodedTokens.size > DECODED_MAX) decodedTokens.delete(decodedTokens.keys().next().value!);
  }
  return payload;
}

export const getSessionToken = cache(async (): Promise<SessionToken | null> => {
  // next-auth's own reader of the session cookie: it decrypts the JWT with our
  // secret and refuses an expired one. getServerSession would do the same and
  // also mint a CSRF token and re-encrypt the JWT into a cookie that a page
  // cannot set anyway: three times the work on every request.
  // No request headers are passed, so only the cookie counts (never a Bearer header).
  const token = await getToken({
    req: { cookies: await cookies(), headers: new Headers() } as unknown as Parameters<typeof getToken>[0]["req"],
    secret: authOptions.secret,
    decode: decodeRemembered,
  });
  if (typeof token?.sub !== "string") return null;
  return {
    userId: token.sub,
    sessionVersion: typeof token.sv === "number" ? token.sv : 0,
    signInId: typeof token.sid === "string" ? token.sid : null,
  };
});

export const getViewer = cache(async (): Promise<Viewer | null> => {
  const token = await getSessionToken();
  if (!token) return null;
  const user = await getSignedInAccount({ userId: token.userId, signInId: token.signInId });
  if (!user || !accountAccepts(user, token)) return null;
  return { id: user.id, email: user.email, name: user.name, role: user.role };
});

/** For pages: signed-out viewers go to the sign-in page and come back afterwards. */
export async function requireViewer(returnTo?: string): Promise<Viewer> {
  const viewer = await getViewer();
  if (!viewer) {
    // Back exactly where the link pointed (path and query, as proxy.ts saw them); `returnTo` when that is unknown.
    const asked = safeReturnPath((await headers()).get(RETURN_PATH_HEADER), "") || returnTo;
    redirect(asked ? `/signin?callbackUrl=${encodeURIComponent(asked)}` : "/signin");
  }
  return viewer;
}

/** For admin pages: other roles get a 403 page. */
export async function requireAdmin(returnTo?: string): Promise<Viewer> {
  const viewer = await requireViewer(returnTo);
  if (viewer.role !== "admin") forbidden();
  return viewer;
}

export function isAdmin(viewer: Viewer | null): boolean {
  return viewer?.role === "admin";
}

/** The address of the client asking (the socket's peer, or the hop its trusted proxies name): see client-address.ts. */
export async function requestIp(): Promise<string | null> {
  return clientAddress(await headers());
}
