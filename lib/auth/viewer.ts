import "server-only";
import { getToken } from "next-auth/jwt";
import { forbidden, redirect } from "next/navigation";
import { cookies, headers } from "next/headers";
import { cache } from "react";
import { getUserById } from "@/lib/db/queries/users";
import type { Role } from "@/lib/db/schema";
import { authOptions } from "./options";

/** Who is asking: read from the signed session cookie, then checked against the database. */
export type Viewer = { id: string; email: string; name: string; role: Role };

export const getViewer = cache(async (): Promise<Viewer | null> => {
  // next-auth's own reader of the session cookie: it decrypts the JWT with our
  // secret and refuses an expired one. getServerSession would do the same and
  // also mint a CSRF token and re-encrypt the JWT into a cookie that a page
  // cannot set anyway: three times the work on every request.
  // No request headers are passed, so only the cookie counts (never a Bearer header).
  const token = await getToken({ req: { cookies: await cookies(), headers: new Headers() } as unknown as Parameters<typeof getToken>[0]["req"], secret: authOptions.secret });
  const userId = typeof token?.sub === "string" ? token.sub : null;
  if (!userId) return null;
  const user = await getUserById({ id: userId });
  if (!user || user.disabledAt) return null;
  // A password reset raised the account's session version: tokens from before it are signed out.
  if (user.sessionVersion !== (typeof token?.sv === "number" ? token.sv : 0)) return null;
  return { id: user.id, email: user.email, name: user.name, role: user.role };
});

/** For pages: signed-out viewers go to the sign-in page and come back afterwards. */
export async function requireViewer(returnTo?: string): Promise<Viewer> {
  const viewer = await getViewer();
  if (!viewer) redirect(returnTo ? `/signin?callbackUrl=${encodeURIComponent(returnTo)}` : "/signin");
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

/** The address of the machine asking, as the server saw it (first hop of X-Forwarded-For). */
export async function requestIp(): Promise<string | null> {
  const h = await headers();
  return h.get("x-forwarded-for")?.split(",")[0]?.trim() || h.get("x-real-ip") || null;
}
