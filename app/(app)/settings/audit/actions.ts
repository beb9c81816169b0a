"use server";
import { z } from "zod";
import { defineAction } from "@/lib/actions/define-action";
import { verifyAuditTrail, type AuditChainReport } from "@/lib/audit";
import { requestIp } from "@/lib/auth/viewer";

/** "Verify the chain": recomputes the audit trail's hash chain (admins only; the check is itself audited). */
export const verifyAuditChainAction = defineAction({
  schema: z.object({}),
  roles: ["admin"],
  revalidate: ["/settings/audit"],
  run: async (_input, viewer): Promise<{ message: string; data: AuditChainReport }> => {
    const report = await verifyAuditTrail({ actor: viewer, ip: await requestIp(), via: "page" });
    if (report.ok) {
      return { message: `The chain holds: ${report.rows} entries, head ${report.headHash} at position ${report.headSeq}.`, data: report };
    }
    const { seq, id, problem } = report.brokenAt;
    return {
      message: `The chain is broken at position ${seq}${id !== null ? ` (entry ${id})` : ""}: ${problem}. Entries from there on cannot be trusted.`,
      data: report,
    };
  },
});
