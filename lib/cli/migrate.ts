/** `npm run db:migrate`: applies drizzle/ to DATABASE_URL (or the embedded database). */
import { closeDb } from "@/lib/db/client";
import { prepareRuntime } from "@/lib/setup/runtime";

const { embedded } = await prepareRuntime();
console.log("[db] migrations applied");
await closeDb();
await embedded?.stop();
