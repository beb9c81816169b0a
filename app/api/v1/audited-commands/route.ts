import { getEnabledRuleSet } from "@/lib/db/queries/audited-commands";
import type { AuditedCommands } from "@/lib/ingest/schemas";
import { authenticateApiToken } from "@/lib/tokens";

export const dynamic = "force-dynamic";

// GET /api/v1/audited-commands - the enabled audited-command rules and their version, for the proxies to enforce Block and Interrupt
export async function GET(request: Request) {
  const token = await authenticateApiToken(request);
  if (!token) {
    return Response.json(
      { error: "A valid API token is required (Authorization: Bearer svt_…)." },
      { status: 401, headers: { "www-authenticate": 'Bearer realm="session-video"' } },
    );
  }
  try {
    const { version, rules } = await getEnabledRuleSet();
    const etag = `"rules-v${version}"`;
    // Proxies poll: while the version stays the same they get a 304 without the rules.
    if (request.headers.get("if-none-match") === etag) return new Response(null, { status: 304, headers: { etag } });
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
  } catch (error) {
    console.error("[api] audited-commands failed", error);
    return Response.json({ error: "The rules could not be read. The error was logged; retry later." }, { status: 500 });
  }
}
