import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { z } from "zod";
import { requireAdmin } from "@/lib/auth/viewer";
import { getRuleById } from "@/lib/analysis/queries/rules";
import { RuleForm } from "../rule-forms";

export const metadata: Metadata = { title: "Edit audited command" };

export default async function EditRulePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  await requireAdmin(`/settings/rules/${encodeURIComponent(id)}`);
  const parsed = z.uuid().safeParse(id);
  const rule = parsed.success ? await getRuleById({ id: parsed.data }) : null;
  if (!rule) notFound();
  return (
    <>
      <div className="breadcrumb">
        Settings › System parameters › <Link href="/settings/rules">Audited commands</Link> › {rule.name}
      </div>
      <div className="page-head">
        <h1>{rule.name}</h1>
        {rule.builtIn ? <span className="badge status-closed">Built-in: can be edited or disabled, not deleted</span> : null}
      </div>
      <section className="panel">
        <RuleForm
          initial={{
            id: rule.id,
            name: rule.name,
            pattern: rule.pattern,
            sessionType: rule.sessionType,
            criticality: rule.criticality,
            score: rule.score,
            action: rule.action,
            attempts: rule.attempts,
            mitreTechnique: rule.mitreTechnique,
            enabled: rule.enabled,
            builtIn: rule.builtIn,
          }}
        />
      </section>
      <p>
        <Link href="/settings/rules">← All audited commands</Link>
      </p>
    </>
  );
}
