import { getEnabledRuleSet } from "@/lib/analysis/queries/rules";
import { noneMatchSatisfied } from "@/lib/http/conditional";
import { defineRoute } from "@/lib/http/route";
import type { AuditedCommands } from "@/lib/ingest/schemas";

export const dynamic = "force-dynamic";

// GET /api/v1/audited-commands - the enabled audited-command rules and their version, for the proxies to enforce Block and Interrupt
export const GET = defineRoute({
  name: "audited commands",
  caller: "proxy",
  handler: async ({ request }) => {
    const { version, rules } = await getEnabledRuleSet();
    const etag = `"rules-v${version}"`;
    // Proxies poll: while the version stays the same they get a 304 without the rules. RFC 9110
    // §13.1.2: `*` or any tag of the list, compared weakly (W/"rules-v3" matches "rules-v3").
    if (noneMatchSatisfied(request.headers.get("if-none-match"), etag)) {
      return new Response(null, { status: 304, headers: { etag, "cache-control": "no-store" } });
    }
    const body: AuditedCommands = {
      version,
      /** RE2 syntax, matched anywhere in the command; database rules ignore case. */
      syntax: "re2",
      rules: rules.map((r) => ({
        id: r.id,
        name: r.name,
        pattern: r.pattern,
        sessionType: r.sessionType,
        caseInsensitive: r.sessionType === "database",
        criticality: r.criticality,
        score: r.score,
        action: r.action,
        attempts: r.action === "interrupt" ? r.attempts : null,
        mitreTechnique: r.mitreTechnique,
      })),
    };
    return Response.json(body, { headers: { "cache-control": "no-store", etag } });
  },
});
