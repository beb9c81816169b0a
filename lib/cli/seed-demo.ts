/** `npm run seed:demo`: loads the demo users and sessions (again, on top of what is there). */
import { closeDb } from "@/lib/db/client";
import { seedDemo } from "@/lib/demo/sessions";
import { prepareRuntime } from "@/lib/setup/runtime";

const { embedded } = await prepareRuntime();
await seedDemo();
await closeDb();
await embedded?.stop();
