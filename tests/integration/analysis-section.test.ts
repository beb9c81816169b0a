import { eq } from "drizzle-orm";
import { renderToStaticMarkup } from "react-dom/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VulnerabilityAnalysisSection } from "@/app/(app)/sessions/[hash]/_sections/vulnerability-analysis";
import { analyzeSession } from "@/lib/analysis/analyze";
import { db } from "@/lib/db/client";
import { remoteSessions } from "@/lib/db/schema";
import { insertSession, typeLines } from "../support/analysis-fixtures";
import { closeDb, useFreshDatabase } from "../support/db";

beforeAll(async () => {
  await useFreshDatabase();
});
afterAll(async () => {
  await closeDb();
});

/** The section as the report page renders it (a server component is an async function of its props). */
async function render(sessionId: number): Promise<string> {
  const [session] = await db.select().from(remoteSessions).where(eq(remoteSessions.id, sessionId));
  return renderToStaticMarkup(await VulnerabilityAnalysisSection({ session: session! }));
}

describe("Vulnerability analysis section", () => {
  it("shows the six columns, the moment linking to the player, and the total risk score", async () => {
    const { events, enters } = typeLines(["ls", "sudo su -", "history -c"], 3_600_000);
    const session = await insertSession({ protocol: "ssh", events });
    await analyzeSession({ sessionId: session.id });
    const html = await render(session.id);
    for (const column of ["Commands with greater risk", "Score", "Criticality", "Action", "Typed command", "Executed in"]) {
      expect(html).toContain(`<th>${column}</th>`);
    }
    expect(html).toContain('data-finding-rule="Root shell through su or sudo"');
    expect(html).toContain("<code");
    const seconds = Math.floor(enters[1]! / 1000); // one hour and a bit into the session
    expect(html).toContain(`href="/sessions/${session.hash}/play?t=${seconds}"`);
    expect(html).toContain(`>01:00:0${seconds - 3600}</a>`);
    expect(html).toContain("<td>Interrupt</td>"); // the history rule interrupts the session
    expect(html).toMatch(/Total risk score<\/th><td colSpan="5">80<\/td>/);
    expect(html).toMatch(/data-testid="rules-version">1</);
  });

  it("has an empty state, a not-yet-analyzed state, and a message for graphical sessions", async () => {
    const quiet = await insertSession({ protocol: "ssh", events: typeLines(["ls"]).events });
    expect(await render(quiet.id)).toContain("Not analyzed yet");
    await analyzeSession({ sessionId: quiet.id });
    const html = await render(quiet.id);
    expect(html).toContain("No audited command was detected in this session.");
    expect(html).not.toContain("<table");

    const rdp = await insertSession({ protocol: "rdp", events: typeLines(["sudo su -"]).events });
    expect(await render(rdp.id)).toContain("Graphical sessions have no command analysis");
  });
});
