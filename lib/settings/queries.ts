import "server-only";
import { eq, inArray } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { systemParameters, users } from "@/lib/db/schema";
import { PARAMETERS, parseParameter, type ParameterKey, type ParameterValue } from "@/lib/settings/parameters";

export async function getParameter<K extends ParameterKey>({ key }: { key: K }): Promise<ParameterValue<K>> {
  const [row] = await db.select().from(systemParameters).where(eq(systemParameters.key, key)).limit(1);
  return row ? parseParameter(key, row.value) : (PARAMETERS[key].default as ParameterValue<K>);
}

/** Current values (defaults when never saved), with when and by whom each was last changed. */
export async function getParameters<K extends ParameterKey>({ keys }: { keys: K[] }) {
  const rows = keys.length
    ? await db
        .select({
          key: systemParameters.key,
          value: systemParameters.value,
          updatedAt: systemParameters.updatedAt,
          updatedById: systemParameters.updatedBy,
          updatedByEmail: users.email,
          updatedByName: users.name,
        })
        .from(systemParameters)
        .leftJoin(users, eq(users.id, systemParameters.updatedBy))
        .where(inArray(systemParameters.key, keys))
    : [];
  const found = new Map(rows.map((r) => [r.key, r]));
  return keys.map((key) => {
    const row = found.get(key);
    return {
      key,
      value: row ? parseParameter(key, row.value) : PARAMETERS[key].default,
      updatedAt: row?.updatedAt ?? null,
      updatedBy: row?.updatedById ? { id: row.updatedById, email: row.updatedByEmail ?? null, name: row.updatedByName ?? null } : null,
    };
  });
}

export type ParameterTx = Parameters<Parameters<typeof db.transaction>[0]>[0];

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Saves a value and returns the previous one, in one transaction (the row is
 * locked, so concurrent saves see each other's values). Saving the value it
 * already has writes nothing, so "last changed" stays meaningful.
 */
export async function setParameter<K extends ParameterKey>({
  key,
  value,
  updatedBy,
  onChanged,
}: {
  key: K;
  value: ParameterValue<K>;
  updatedBy: string;
  /** Runs inside the transaction when the value changes (the audit entry goes there). */
  onChanged?: (tx: ParameterTx, previous: ParameterValue<K>) => Promise<void>;
}): Promise<{ previous: ParameterValue<K>; changed: boolean }> {
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(systemParameters).where(eq(systemParameters.key, key)).for("update").limit(1);
    const previous = row ? parseParameter(key, row.value) : (PARAMETERS[key].default as ParameterValue<K>);
    if (same(previous, value)) return { previous, changed: false };
    await tx
      .insert(systemParameters)
      .values({ key, value, updatedBy, updatedAt: new Date() })
      .onConflictDoUpdate({ target: systemParameters.key, set: { value, updatedBy, updatedAt: new Date() } });
    await onChanged?.(tx, previous);
    return { previous, changed: true };
  });
}
