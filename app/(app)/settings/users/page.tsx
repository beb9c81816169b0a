import type { Metadata } from "next";
import { Time } from "@/app/_components/time";
import Link from "next/link";
import { requireAdmin } from "@/lib/auth/viewer";
import { hasControlCharacter, SEARCH_CONTROL_CHARACTER } from "@/lib/domain/text";
import { countActiveAdmins, countUsers, USER_LIST_LIMIT } from "@/lib/users/queries";
import { listAccounts } from "@/lib/users";
import { CreateUserForm, ResetPasswordForm, RoleForm, StatusForm } from "./user-forms";

export const metadata: Metadata = { title: "Users" };

const MAX_SEARCH = 100;

// GET /settings/users?q= - the accounts, searchable by name or email (admins only).
export default async function UsersPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const viewer = await requireAdmin("/settings/users");
  const raw = (await searchParams).q;
  const typed = (Array.isArray(raw) ? raw[0] : raw)?.trim().slice(0, MAX_SEARCH) || undefined;
  const refused = typed !== undefined && hasControlCharacter(typed);
  const q = refused ? undefined : typed;
  const [accounts, total, activeAdmins] = await Promise.all([listAccounts({ q }), countUsers(), countActiveAdmins()]);
  return (
    <>
      <div className="breadcrumb">Administration › Users</div>
      <div className="page-head">
        <h1>Users</h1>
        <span className="muted">
          {total} account{total === 1 ? "" : "s"} · {activeAdmins} active administrator{activeAdmins === 1 ? "" : "s"}
        </span>
      </div>

      <section className="panel" aria-labelledby="create-user-title">
        <h2 id="create-user-title">Create user</h2>
        <CreateUserForm />
      </section>

      <form method="get" action="/settings/users" className="filters" role="search" aria-label="Search accounts">
        <label>
          Search
          <input type="search" name="q" defaultValue={q ?? ""} maxLength={MAX_SEARCH} placeholder="Name or email…" size={28} />
        </label>
        <button type="submit" className="button">
          Search
        </button>
        {q ? (
          <Link href="/settings/users" className="button">
            Clear
          </Link>
        ) : null}
      </form>
      {refused ? (
        <p className="alert alert-warn page-alert" role="alert">
          {SEARCH_CONTROL_CHARACTER}
        </p>
      ) : null}
      {accounts.length === USER_LIST_LIMIT ? (
        <p className="muted" role="status">
          Showing the first {USER_LIST_LIMIT} {q ? "matching accounts" : `of ${total} accounts`}: search by name or email to narrow the list.
        </p>
      ) : null}

      <div className="table-wrap">
        <table className="data">
          <caption className="visually-hidden">Accounts</caption>
          <thead>
            <tr>
              <th>Name</th>
              <th>Email</th>
              <th>Role</th>
              <th>Status</th>
              <th>Created</th>
              <th>Actions</th>
            </tr>
          </thead>
          <tbody>
            {accounts.map((a) => {
              const self = a.id === viewer.id;
              return (
                <tr key={a.id} data-email={a.email}>
                  <td>
                    {a.name} {self ? <span className="badge">You</span> : null}
                  </td>
                  <td>{a.email}</td>
                  <td>
                    <RoleForm userId={a.id} role={a.role} email={a.email} />
                  </td>
                  <td>
                    {a.disabledAt ? (
                      <span className="badge status-failed" title="Cannot sign in">
                        Disabled
                      </span>
                    ) : (
                      <span className="badge status-closed">Active</span>
                    )}
                  </td>
                  <td>
                    <Time date={a.createdAt} />
                  </td>
                  <td>
                    <div className="actions">
                      <ResetPasswordForm userId={a.id} email={a.email} />
                      {self ? (
                        <span className="muted" title="An administrator cannot disable their own account">
                          —
                        </span>
                      ) : (
                        <StatusForm userId={a.id} email={a.email} disabled={a.disabledAt !== null} />
                      )}
                    </div>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        {accounts.length === 0 ? <div className="empty">{q ? `No account matches “${q}”.` : "No accounts."}</div> : null}
      </div>
    </>
  );
}
