import "server-only";
import { eq, inArray } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { systemParameters } from "@/lib/db/schema";
import { PARAMETERS, parseParameter, type ParameterKey, type ParameterValue } from "@/lib/settings/parameters";

export async function getParameter<K extends ParameterKey>({ key }: { key: K }): Promise<ParameterValue<K>> {
  const [row] = await db.select().from(systemParameters).where(eq(systemParameters.key, key)).limit(1);
  return row ? parseParameter(key, row.value) : (PARAMETERS[key].default as ParameterValue<K>);
}

export async function getParameters<K extends ParameterKey>({ keys }: { keys: K[] }) {
  const rows = await db.select().from(systemParameters).where(inArray(systemParameters.key, keys));
  const found = new Map(rows.map((r) => [r.key, r]));
  return keys.map((key) => {
    const row = found.get(key);
    return {
      key,
      value: row ? parseParameter(key, row.value) : PARAMETERS[key].default,
      updatedAt: row?.updatedAt ?? null,
    };
  });
}

/** Saves a value and returns the previous one, in one transaction. */
export async function setParameter<K extends ParameterKey>({
  key,
  value,
  updatedBy,
}: {
  key: K;
  value: ParameterValue<K>;
  updatedBy: string;
}): Promise<{ previous: ParameterValue<K> }> {
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(systemParameters).where(eq(systemParameters.key, key)).for("update").limit(1);
    const previous = row ? parseParameter(key, row.value) : (PARAMETERS[key].default as ParameterValue<K>);
    await tx
      .insert(systemParameters)
      .values({ key, value, updatedBy, updatedAt: new Date() })
      .onConflictDoUpdate({ target: systemParameters.key, set: { value, updatedBy, updatedAt: new Date() } });
    return { previous };
  });
}
