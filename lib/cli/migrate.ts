/**
 * `npm run db:migrate`: applies drizzle/ as the owner role (DATABASE_OWNER_URL,
 * or the embedded database's) and grants the application's role (DATABASE_URL) what it needs.
 */
import { closeDb } from "@/lib/db/client";
import { prepareRuntime } from "@/lib/setup/runtime";

const { embedded } = await prepareRuntime({ requireMigrations: true });
console.log("[db] migrations applied");
await closeDb();
await embedded?.stop();
