/** `npm run audit:verify`: checks the audit trail's hash chain (and writes the check to the trail); exits 1 when it is broken. */
import { verifyAuditTrail } from "@/lib/audit";
import { closeDb } from "@/lib/db/client";
import { prepareRuntime } from "@/lib/setup/runtime";

const { embedded } = await prepareRuntime();
let status = 0;
try {
  const report = await verifyAuditTrail({ actor: null, via: "cli" });
  if (report.ok) {
    console.log(`[audit] the chain holds: ${report.rows} entries; head ${report.headHash} at position ${report.headSeq}`);
  } else {
    const { seq, id, problem } = report.brokenAt;
    console.error(`[audit] the chain is BROKEN at position ${seq}${id !== null ? ` (entry ${id})` : ""}: ${problem}`);
    status = 1;
  }
} finally {
  await closeDb();
  await embedded?.stop();
}
process.exit(status);
