/**
 * The web server process (`npm start` runs it; so do the end-to-end tests):
 * Next.js behind our own HTTP server (lib/http/web-server.ts).
 * Arguments: --port <n> [--hostname <h>] [--dev].
 */
import { parseArgs } from "node:util";
import { startWebServer } from "@/lib/http/web-server";

const { values } = parseArgs({ options: { port: { type: "string" }, hostname: { type: "string" }, dev: { type: "boolean" } } });
// Next.js's telemetry is off unless the operator says otherwise (next.config.ts sets it too).
process.env.NEXT_TELEMETRY_DISABLED ??= "1";
const port = Number(values.port ?? process.env.PORT ?? 3000);
const server = await startWebServer({ port, hostname: values.hostname, dev: values.dev ?? false });
console.log(`[web] listening on ${values.hostname ?? "*"}:${port}${values.dev ? " (development)" : ""}`);
const stop = () => {
  server.close(() => process.exit(0));
  server.closeIdleConnections();
  // A download or a live playlist still streaming does not hold the process for long.
  setTimeout(() => process.exit(0), 3000).unref();
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
