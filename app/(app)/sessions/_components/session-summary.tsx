import Link from "next/link";
import { Time } from "@/app/_components/time";
import type { RemoteSession } from "@/lib/db/schema";
import { shortHash } from "@/lib/format";
import { PROTOCOL_LABELS } from "@/lib/domain/sessions";

type Summary = Pick<RemoteSession, "hash" | "protocol" | "host" | "userName" | "credentialUsername" | "startedAt">;

/** The header cells matching <SessionSummaryCells>. */
export function SessionSummaryHead({ first = "ID" }: { first?: string }) {
  return (
    <>
      <th>{first}</th>
      <th>User</th>
      <th>Host</th>
      <th>Type</th>
      <th>Start</th>
    </>
  );
}

/** The first cells of a row in the secondary session lists: the session (a link to its report), who, where, what and when. */
export function SessionSummaryCells({ session: s }: { session: Summary }) {
  return (
    <>
      <td>
        <Link href={`/sessions/${encodeURIComponent(s.hash)}`} className="mono" title={s.hash}>
          {shortHash(s.hash)}
        </Link>
      </td>
      <td>
        {s.userName}
        {s.credentialUsername ? <span className="muted"> as {s.credentialUsername}</span> : null}
      </td>
      <td>{s.host}</td>
      <td>{PROTOCOL_LABELS[s.protocol]}</td>
      <td>
        <Time date={s.startedAt} />
      </td>
    </>
  );
}
