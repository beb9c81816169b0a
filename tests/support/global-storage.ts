/**
 * TEST_STORAGE=s3: the integration tests run on the S3 backend, against one
 * real S3-speaking server started here for the run (lib/cli/local-s3.ts).
 * Each test file gets its own key prefix (storage-prefix.ts). Without it they
 * run on the local disk, as `npm start` does by default.
 */
import type { LocalS3 } from "@/lib/cli/local-s3";

let server: LocalS3 | undefined;

export async function setup() {
  if (process.env.TEST_STORAGE !== "s3") return;
  const { startLocalS3 } = await import("@/lib/cli/local-s3");
  server = await startLocalS3({ bucket: "session-video-tests" });
  // The test files run in child processes started after this: they inherit these.
  Object.assign(process.env, server.env);
  console.log(`[tests] storage: S3 at ${server.endpoint} (TEST_STORAGE=s3)`);
}

export async function teardown() {
  if (server) console.log(`[tests] S3 requests served: ${JSON.stringify(server.requests)}`);
  await server?.stop();
  server = undefined;
}
