/**
 * The security headers of every answer. Static ones go out with every
 * response (next.config.ts `headers()`); the pages' Content-Security-Policy
 * carries a fresh nonce per request and is set by proxy.ts, which also hands
 * the nonce to Next.js (it adds it to its own scripts). No `unsafe-inline`
 * script: an injected <script> or event handler does not run.
 * @see https://nextjs.org/docs/app/guides/content-security-policy
 */

/** What every answer tells search engines: not to index it nor follow its links. */
export const ROBOTS_TAG = "noindex, nofollow";

/** For every response, pages and API alike. */
export const STATIC_SECURITY_HEADERS: { key: string; value: string }[] = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  // frame-ancestors in the CSP says the same to browsers that read it; this one to those that do not.
  { key: "X-Frame-Options", value: "DENY" },
  // Session IDs are in the URLs: another origin never learns them from a Referer.
  { key: "Referrer-Policy", value: "same-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), hid=(), bluetooth=(), fullscreen=(self)" },
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
  { key: "Cross-Origin-Resource-Policy", value: "same-origin" },
  // Never in a search engine, whatever links to it (robots.txt asks crawlers not to fetch; this, not to index).
  { key: "X-Robots-Tag", value: ROBOTS_TAG },
];

/** For the API's answers (JSON, playlists, media): nothing in them may run or be framed. */
export const API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'";

/**
 * The pages' policy: scripts only with this request's nonce (and what they
 * load, 'strict-dynamic'), media and workers from this origin or blob: (hls.js
 * feeds the video element through MediaSource), no framing by anyone.
 */
export function pageContentSecurityPolicy(nonce: string, { https, dev = false }: { https: boolean; dev?: boolean }): string {
  return [
    "default-src 'self'",
    // `next dev` evaluates its hot-reloaded modules; a production build never does.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    // React writes style attributes; styles cannot run code.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "media-src 'self' blob:",
    "worker-src 'self' blob:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(https ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
}

/** HSTS, when the app is served over HTTPS (its public URL says so): browsers then refuse plain HTTP to it for a year. */
export const STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains";

/** Whether the public URL of the app is HTTPS (NEXTAUTH_URL): then cookies are Secure and HSTS is sent. */
export function servedOverHttps(publicUrl: string | undefined): boolean {
  return (publicUrl ?? "").toLowerCase().startsWith("https://");
}
