/** `npm run token:create -- --name proxy-1`: creates an API token for a session proxy and prints it once. */
import { parseArgs } from "node:util";
import { recordAudit } from "@/lib/audit";
import { closeDb } from "@/lib/db/client";
import { prepareRuntime } from "@/lib/setup/runtime";
import { createApiToken } from "@/lib/tokens";

const { values } = parseArgs({ options: { name: { type: "string" } }, allowPositionals: false });
const name = values.name?.trim();
if (!name || !/^[\w .:@-]{1,100}$/.test(name)) {
  console.error("Usage: npm run token:create -- --name <proxy name> (letters, digits, spaces and . _ : @ -; at most 100)");
  process.exit(2);
}

const { embedded } = await prepareRuntime();
try {
  const { token, row } = await createApiToken({ name, createdBy: null });
  await recordAudit({ actor: null, action: "token.created", target: { type: "api_token", id: row.id }, details: { name, prefix: row.prefix, via: "cli" } });
  console.error(`API token "${name}" created. Copy it now: it is shown only once.`);
  console.log(token);
} finally {
  await closeDb();
  await embedded?.stop();
}
