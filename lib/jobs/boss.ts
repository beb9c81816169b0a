import PgBoss from "pg-boss";
import { databaseUrl } from "@/lib/db/client";

type Cache = { boss?: Promise<PgBoss> };
const cache: Cache = ((globalThis as { __sessionVideoBoss?: Cache }).__sessionVideoBoss ??= {});

/**
 * The pg-boss client of this process, started once. Web processes only send
 * jobs; workers (lib/jobs/worker.ts) also run maintenance and take work.
 */
export function getBoss({ supervise = false }: { supervise?: boolean } = {}): Promise<PgBoss> {
  cache.boss ??= (async () => {
    const boss = new PgBoss({ connectionString: databaseUrl(), max: 4, supervise, schedule: supervise });
    boss.on("error", (error) => console.error("[jobs] pg-boss error", error));
    await boss.start();
    return boss;
  })();
  return cache.boss;
}

export async function stopBoss() {
  const pending = cache.boss;
  cache.boss = undefined;
  if (pending) await (await pending).stop({ graceful: true, timeout: 10_000 });
}
