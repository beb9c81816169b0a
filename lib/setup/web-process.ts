import path from "node:path";
import { pathToFileURL } from "node:url";

/**
 * How to start the web server process (lib/cli/web.ts) with `process.execPath`:
 * node itself with tsx's loader, without React's server conditions (Next.js
 * loads its own server build; the conditions are for the command-line tools
 * that import lib/). No tsx CLI in between: the process that is started is the
 * server, so a signal to it (a test's SIGKILL of a "crash" too) reaches the
 * server and leaves nothing running behind.
 */
export function webServerArgs({ port, hostname, dev = false }: { port: number; hostname?: string; dev?: boolean }): string[] {
  return [
    "--import",
    pathToFileURL(path.resolve("node_modules/tsx/dist/loader.mjs")).href,
    path.resolve("lib/cli/web.ts"),
    "--port",
    String(port),
    ...(hostname ? ["--hostname", hostname] : []),
    ...(dev ? ["--dev"] : []),
  ];
}
