import type { Metadata } from "next";
import { Time } from "@/app/_components/time";
import { requireAdmin } from "@/lib/auth/viewer";
import { listApiTokens } from "@/lib/tokens";
import { CreateTokenForm, MoveSessionForm, RevokeTokenForm, VerifyAllForm } from "./token-forms";

export const metadata: Metadata = { title: "API tokens" };

export default async function TokensPage() {
  await requireAdmin("/settings/tokens");
  const tokens = await listApiTokens();
  const active = tokens.filter((t) => !t.revokedAt).length;
  return (
    <>
      <div className="breadcrumb">Administration › API tokens</div>
      <div className="page-head">
        <h1>API tokens</h1>
        <span className="muted">
          {active} active token{active === 1 ? "" : "s"} · used by the session proxies to send recordings (<a href="/api/v1/openapi.json">API description</a>)
        </span>
      </div>

      <section className="panel" aria-labelledby="create-token-title">
        <h2 id="create-token-title">Create token</h2>
        <p className="muted">The secret is shown once, right after creation; only a hash of it is kept.</p>
        <CreateTokenForm />
      </section>

      <div className="table-wrap">
        <table className="data">
          <caption className="visually-hidden">API tokens</caption>
          <thead>
            <tr>
              <th>Name</th>
              <th>Prefix</th>
              <th>Created</th>
              <th>Last used</th>
              <th>Status</th>
              <th>Actions</th>
            </tr>
          </thead>
          <tbody>
            {tokens.length === 0 ? (
              <tr>
                <td colSpan={6} className="empty">
                  No tokens yet. Create one for each session proxy.
                </td>
              </tr>
            ) : (
              tokens.map((t) => (
                <tr key={t.id} data-token-name={t.name}>
                  <td>{t.name}</td>
                  <td>
                    <code>svt_{t.prefix}_…</code>
                  </td>
                  <td>
                    <Time date={t.createdAt} />
                  </td>
                  <td>{t.lastUsedAt ? <Time date={t.lastUsedAt} /> : <span className="muted">Never</span>}</td>
                  <td>
                    {t.revokedAt ? (
                      <span className="badge status-failed">
                        Revoked <Time date={t.revokedAt} />
                      </span>
                    ) : (
                      <span className="badge status-closed">Active</span>
                    )}
                  </td>
                  <td>{t.revokedAt ? <span className="muted">—</span> : <RevokeTokenForm id={t.id} name={t.name} />}</td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>

      <section className="panel" aria-labelledby="move-session-title">
        <h2 id="move-session-title">Move a session to another token</h2>
        <p className="muted">
          A session belongs to the token that started it: any other token is answered as if the session did not exist. When a proxy is replaced, move its
          unfinished sessions to the new proxy&apos;s token here (audited).
        </p>
        <MoveSessionForm tokens={tokens.filter((t) => !t.revokedAt).map((t) => ({ id: t.id, name: t.name }))} />
      </section>

      <section className="panel" aria-labelledby="integrity-title">
        <h2 id="integrity-title">Recording integrity</h2>
        <p className="muted">
          Re-reads every stored chunk, recomputes its SHA-256 and the hash chain, and checks the assembled media. It runs in the background; each session&apos;s
          report shows its result.
        </p>
        <VerifyAllForm />
      </section>
    </>
  );
}
