import "server-only";
import { and, asc, desc, eq, sql } from "drizzle-orm";
import { DEFAULT_RULES } from "@/lib/analysis/default-rules";
import { type RuleDefinition } from "@/lib/analysis/engine";
import { db, type Db } from "@/lib/db/client";
import { auditedCommandRules, systemParameters, type AuditedCommandRule } from "@/lib/db/schema";

/**
 * The version of the whole rule set: 1 when the default rules are installed,
 * +1 on every change. Kept as a system parameter row (not in the editable
 * parameter registry) and bumped in the same transaction as the change.
 */
export const RULES_VERSION_KEY = "analysis.rules_version";

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

async function readVersion(tx: Tx | Db): Promise<number | null> {
  const [row] = await tx.select({ value: systemParameters.value }).from(systemParameters).where(eq(systemParameters.key, RULES_VERSION_KEY)).limit(1);
  const value = Number(row?.value);
  return row && Number.isInteger(value) ? value : null;
}

/**
 * Installs the default rules once per database (the version row records that
 * it happened, so a built-in rule an admin disabled stays as they left it).
 * Safe to call from many processes at once: an advisory lock serializes them.
 */
export async function ensureDefaultRules(): Promise<number> {
  const existing = await readVersion(db);
  if (existing !== null) return existing;
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${RULES_VERSION_KEY}))`);
    const again = await readVersion(tx);
    if (again !== null) return again;
    await tx.insert(auditedCommandRules).values(DEFAULT_RULES.map((r) => ({ ...ruleValues(r), builtIn: true })));
    await tx.insert(systemParameters).values({ key: RULES_VERSION_KEY, value: 1 });
    return 1;
  });
}

/** The current rules version (installing the default rules first if needed). */
export async function getRulesVersion(): Promise<number> {
  return ensureDefaultRules();
}

/** Within a rule change: +1 on the version, returning the new one. */
async function bumpRulesVersion(tx: Tx, updatedBy: string | null): Promise<number> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${RULES_VERSION_KEY}))`);
  const current = (await readVersion(tx)) ?? 1;
  const next = current + 1;
  await tx
    .insert(systemParameters)
    .values({ key: RULES_VERSION_KEY, value: next, updatedBy, updatedAt: new Date() })
    .onConflictDoUpdate({ target: systemParameters.key, set: { value: next, updatedBy, updatedAt: new Date() } });
  return next;
}

function ruleValues(r: RuleDefinition) {
  return {
    name: r.name,
    pattern: r.pattern,
    sessionType: r.sessionType,
    criticality: r.criticality,
    score: r.score,
    action: r.action,
    attempts: r.action === "interrupt" ? (r.attempts ?? 1) : null,
    mitreTechnique: r.mitreTechnique || null,
  };
}

/** Every rule, Terminal before Database, then by name; or only the enabled ones. */
export async function listRules({ enabledOnly = false }: { enabledOnly?: boolean } = {}): Promise<AuditedCommandRule[]> {
  await ensureDefaultRules();
  return db
    .select()
    .from(auditedCommandRules)
    .where(enabledOnly ? eq(auditedCommandRules.enabled, true) : undefined)
    .orderBy(asc(auditedCommandRules.sessionType), desc(auditedCommandRules.builtIn), asc(auditedCommandRules.name), asc(auditedCommandRules.id));
}

/** The enabled rules and the version they are, read together (one transaction). */
export async function getEnabledRuleSet(): Promise<{ version: number; rules: AuditedCommandRule[] }> {
  await ensureDefaultRules();
  return db.transaction(
    async (tx) => {
      const version = (await readVersion(tx)) ?? 1;
      const rules = await tx
        .select()
        .from(auditedCommandRules)
        .where(eq(auditedCommandRules.enabled, true))
        .orderBy(asc(auditedCommandRules.sessionType), asc(auditedCommandRules.createdAt), asc(auditedCommandRules.id));
      return { version, rules };
    },
    { isolationLevel: "repeatable read", accessMode: "read only" },
  );
}

export async function getRuleById({ id }: { id: string }): Promise<AuditedCommandRule | null> {
  const [row] = await db.select().from(auditedCommandRules).where(eq(auditedCommandRules.id, id)).limit(1);
  return row ?? null;
}

export type RuleInput = RuleDefinition & { enabled: boolean };

export async function insertRule({ input, actorId }: { input: RuleInput; actorId: string | null }) {
  return db.transaction(async (tx) => {
    const [rule] = await tx
      .insert(auditedCommandRules)
      .values({ ...ruleValues(input), enabled: input.enabled, builtIn: false })
      .returning();
    const version = await bumpRulesVersion(tx, actorId);
    return { rule: rule!, version };
  });
}

/**
 * Saves a rule's new values; returns the previous and the saved row and the
 * new version, or null when the rule does not exist. A save that changes
 * nothing keeps the version.
 */
export async function updateRule({ id, input, actorId }: { id: string; input: RuleInput; actorId: string | null }) {
  return db.transaction(async (tx) => {
    const [previous] = await tx.select().from(auditedCommandRules).where(eq(auditedCommandRules.id, id)).for("update");
    if (!previous) return null;
    const values = { ...ruleValues(input), enabled: input.enabled };
    const changed = (Object.keys(values) as (keyof typeof values)[]).some((k) => previous[k] !== values[k]);
    if (!changed) return { previous, rule: previous, version: null };
    const [rule] = await tx
      .update(auditedCommandRules)
      .set({ ...values, updatedAt: new Date() })
      .where(eq(auditedCommandRules.id, id))
      .returning();
    const version = await bumpRulesVersion(tx, actorId);
    return { previous, rule: rule!, version };
  });
}

export async function setRuleEnabled({ id, enabled, actorId }: { id: string; enabled: boolean; actorId: string | null }) {
  return db.transaction(async (tx) => {
    const [previous] = await tx.select().from(auditedCommandRules).where(eq(auditedCommandRules.id, id)).for("update");
    if (!previous) return null;
    if (previous.enabled === enabled) return { rule: previous, version: null };
    const [rule] = await tx.update(auditedCommandRules).set({ enabled, updatedAt: new Date() }).where(eq(auditedCommandRules.id, id)).returning();
    const version = await bumpRulesVersion(tx, actorId);
    return { rule: rule!, version };
  });
}

/** Deletes a rule that is not built in; built-in rules can only be disabled. Findings keep the rule's name. */
export async function deleteRule({ id, actorId }: { id: string; actorId: string | null }) {
  return db.transaction(async (tx) => {
    const [rule] = await tx
      .delete(auditedCommandRules)
      .where(and(eq(auditedCommandRules.id, id), eq(auditedCommandRules.builtIn, false)))
      .returning();
    if (!rule) return null;
    const version = await bumpRulesVersion(tx, actorId);
    return { rule, version };
  });
}
