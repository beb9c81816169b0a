import "server-only";
import { recordRefusedAccess } from "@/lib/audit";
import { requestIp, type Viewer } from "@/lib/auth/viewer";
import type { RemoteSession } from "@/lib/db/schema";
import { getSessionByHash } from "./queries";

/**
 * The session a page asks for, as the viewer may see it; null (the page's
 * 404) when it does not exist or is not theirs, and then the attempt is in
 * the audit trail (`session.access_refused`, with what was asked for).
 */
export async function getSessionForPage({ hash, viewer, asked }: { hash: string; viewer: Viewer; asked: string }): Promise<RemoteSession | null> {
  const session = await getSessionByHash({ hash, viewer });
  if (!session) await recordRefusedAccess({ viewer, target: { type: "session", id: hash }, asked, ip: await requestIp() });
  return session;
}
