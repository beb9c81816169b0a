import path from "node:path";

/**
 * How to start the web server process (lib/cli/web.ts) with `process.execPath`:
 * through tsx, without React's server conditions (Next.js loads its own
 * server build; the conditions are for the command-line tools that import lib/).
 */
export function webServerArgs({ port, hostname, dev = false }: { port: number; hostname?: string; dev?: boolean }): string[] {
  return [
    path.resolve("node_modules/tsx/dist/cli.mjs"),
    "--tsconfig",
    "tsconfig.json",
    path.resolve("lib/cli/web.ts"),
    "--port",
    String(port),
    ...(hostname ? ["--hostname", hostname] : []),
    ...(dev ? ["--dev"] : []),
  ];
}
