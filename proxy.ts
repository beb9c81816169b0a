import { NextResponse, type NextRequest } from "next/server";
import { RETURN_PATH_HEADER } from "@/lib/auth/return-path";
import { env } from "@/lib/env";
import { pageContentSecurityPolicy, servedOverHttps, STRICT_TRANSPORT_SECURITY } from "@/lib/http/security-headers";

/**
 * Runs before every page (Next.js 16's proxy, formerly middleware): a fresh
 * CSP nonce per request, given to Next.js through the request's headers (it
 * puts it on its scripts) and sent to the browser; the path and query asked
 * for, for the return path after sign-in; HSTS over HTTPS; and a
 * server action posted from another origin is refused with a 403 here
 * (Next.js refuses it too, but with a 500). The API's headers are static
 * (next.config.ts) and its routes do not pass through here.
 */
export function proxy(request: NextRequest) {
  if (request.method === "POST" && request.headers.has("next-action") && !sameOrigin(request)) {
    return NextResponse.json(
      { error: "This form was sent from another site; it was refused. Reload the page and try again." },
      { status: 403, headers: { "Cache-Control": "no-store" } },
    );
  }
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const https = servedOverHttps(env.NEXTAUTH_URL);
  const policy = pageContentSecurityPolicy(nonce, { https, dev: env.NODE_ENV === "development" });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  // The page asked for, query included, for the sign-in's return path (requireViewer): a page cannot read its own URL.
  requestHeaders.set(RETURN_PATH_HEADER, `${request.nextUrl.pathname}${request.nextUrl.search}`);
  requestHeaders.set("Content-Security-Policy", policy);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("Content-Security-Policy", policy);
  if (https) response.headers.set("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY);
  return response;
}

/** The Origin of a form post is this server (as Next.js compares it: the forwarded host, else Host); no Origin is Next's to judge. */
function sameOrigin(request: NextRequest): boolean {
  const origin = request.headers.get("origin");
  if (!origin) return true;
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

export const config = {
  matcher: [
    {
      // Pages only: not the API, not Next's static files nor public/.
      source: "/((?!api/|_next/static|_next/image|favicon.ico|favicon.svg|robots.txt).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
