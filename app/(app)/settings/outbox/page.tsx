import { requireAdmin } from "@/lib/auth/viewer";
import { listOutbox } from "@/lib/email";
import { Time } from "@/app/_components/time";

export const metadata = { title: "Email outbox · Session Video" };

// GET /settings/outbox - emails the app kept (no RESEND_API_KEY) and the log of those sent through Resend; admins only.
export default async function OutboxPage() {
  await requireAdmin("/settings/outbox");
  const emails = await listOutbox({ limit: 200 });
  return (
    <>
      <div className="breadcrumb">Administration › Email outbox</div>
      <div className="page-head">
        <h1>Email outbox</h1>
      </div>
      <p className="muted">
        Without an email service (<code>RESEND_API_KEY</code>), the emails the app would send are kept here. Sent emails are listed too, with the
        provider&apos;s ID. Newest first, the last 200.
      </p>
      {emails.length === 0 ? (
        <p className="empty">No emails yet.</p>
      ) : (
        <div className="table-wrap">
          <table className="data">
            <caption className="visually-hidden">Emails kept in the outbox</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">To</th>
                <th scope="col">Subject</th>
                <th scope="col">Delivery</th>
              </tr>
            </thead>
            <tbody>
              {emails.map((e) => (
                <tr key={e.id}>
                  <td>
                    <Time date={e.createdAt} />
                  </td>
                  <td>{e.to}</td>
                  <td>
                    <details>
                      <summary>{e.subject}</summary>
                      <pre style={{ whiteSpace: "pre-wrap" }}>{e.text}</pre>
                    </details>
                  </td>
                  <td>
                    {e.transport === "resend" ? (
                      <span className="badge">Sent{e.providerId ? ` · ${e.providerId}` : ""}</span>
                    ) : (
                      <span className="badge">Outbox (not sent)</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
