import type { Metadata } from "next";
import { Time } from "@/app/_components/time";
import { requireAdmin } from "@/lib/auth/viewer";
import { listAccounts } from "@/lib/users";
import { CreateUserForm, ResetPasswordForm, RoleForm, StatusForm } from "./user-forms";

export const metadata: Metadata = { title: "Users" };

export default async function UsersPage() {
  const viewer = await requireAdmin("/settings/users");
  const accounts = await listAccounts();
  const activeAdmins = accounts.filter((a) => a.role === "admin" && !a.disabledAt).length;
  return (
    <>
      <div className="breadcrumb">Administration › Users</div>
      <div className="page-head">
        <h1>Users</h1>
        <span className="muted">
          {accounts.length} account{accounts.length === 1 ? "" : "s"} · {activeAdmins} active administrator{activeAdmins === 1 ? "" : "s"}
        </span>
      </div>

      <section className="panel" aria-labelledby="create-user-title">
        <h2 id="create-user-title">Create user</h2>
        <CreateUserForm />
      </section>

      <div className="table-wrap">
        <table className="data" aria-label="Accounts">
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
        {accounts.length === 0 ? <div className="empty">No accounts.</div> : null}
      </div>
    </>
  );
}
