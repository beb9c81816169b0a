import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

/**
 * Background workers in processes of their own (`npm run worker`), for a burst
 * of work: each takes at most one job a second from each queue, whatever the
 * job, so a few hundred sessions arriving at once wait on the number of
 * workers more than on the machine.
 */
export function startWorkerProcesses({ count, env }: { count: number; env: Record<string, string> }): { stop: () => Promise<void> } {
  const children: ChildProcess[] = [];
  for (let i = 0; i < count; i++) {
    children.push(
      spawn(
        process.execPath,
        [path.resolve("node_modules/tsx/dist/cli.mjs"), "--conditions=react-server", "--tsconfig", "tsconfig.json", "lib/cli/worker.ts"],
        { env: { ...process.env, ...env }, stdio: ["ignore", "inherit", "inherit"] },
      ),
    );
  }
  return {
    stop: async () => {
      await Promise.all(
        children.map(async (child) => {
          if (child.exitCode !== null || child.signalCode !== null) return;
          const exited = new Promise((r) => child.once("exit", r));
          child.kill("SIGTERM");
          // A worker finishes its current job first; one that hangs is not waited for forever.
          const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
          await exited;
          clearTimeout(timer);
        }),
      );
    },
  };
}
