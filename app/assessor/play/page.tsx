import Link from "next/link";
import { z } from "zod";
import { Player } from "@/app/(app)/sessions/[hash]/play/player";
import { RefreshWhile } from "@/app/(app)/sessions/[hash]/play/refresh-while";
import { watcherActor, watcherDetails } from "@/lib/access";
import { recordAudit } from "@/lib/audit";
import { requestIp } from "@/lib/auth/viewer";
import { formatDuration, shortHash } from "@/lib/format";
import { playbackState } from "@/lib/hls/playback";
import { buildPlayerProps } from "@/lib/player/props";
import { getRecordingBySession } from "@/lib/recordings/queries";
import { getSessionNotes } from "@/lib/review";
import { getSessionOfShareLink } from "@/lib/sessions/queries";
import { assessorOrMessage } from "../_components/gate";

export const dynamic = "force-dynamic";

const startParam = z.coerce
  .number()
  .finite()
  .min(0)
  .max(10 * 24 * 3600);

// GET /assessor/play - the player of the shared session, with the assessor's email over the picture and no way to annotate.
export default async function AssessorPlayPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { assessor, message } = await assessorOrMessage("shared player");
  if (!assessor) return message;
  const session = await getSessionOfShareLink({ linkId: assessor.linkId });
  if (!session) return <p className="alert alert-error">The shared session no longer exists.</p>;
  const query = await searchParams;
  const t = startParam.safeParse(typeof query.t === "string" ? query.t : undefined);
  const startS = t.success ? t.data : 0;
  await recordAudit({
    actor: watcherActor(assessor),
    action: "session.played",
    target: { type: "session", id: session.hash },
    ip: await requestIp(),
    details: { ...(startS ? { t: startS } : {}), ...watcherDetails(assessor) },
  });
  const recording = await getRecordingBySession({ sessionId: session.id });
  const { state, playlist } = await playbackState(recording);
  const head = (
    <>
      <div className="breadcrumb">
        <Link href="/assessor">Video of session</Link> › Player
      </div>
      <div className="page-head">
        <h1>
          Session{" "}
          <span className="mono muted" title={session.hash}>
            {shortHash(session.hash)}
          </span>{" "}
          <span className="muted" style={{ fontWeight: 400, fontSize: "0.8em" }}>
            {session.protocol.toUpperCase()} · {session.userName} → {session.credentialUsername}@{session.host}
          </span>
        </h1>
      </div>
    </>
  );
  if (state.kind !== "ready" && state.kind !== "live") {
    return (
      <>
        {head}
        <section className="panel" aria-live="polite">
          <p className={state.kind === "failed" || state.kind === "no-media" ? "alert alert-warn" : "alert alert-info"} data-state={state.kind}>
            {state.kind === "no-media"
              ? "This session has no recorded media: there is no video to play."
              : state.kind === "failed"
                ? `The recording cannot be played. ${state.reason}`
                : "The recording is being prepared for playback. This page updates by itself."}
          </p>
        </section>
        {state.kind === "processing" || state.kind === "synchronizing" ? <RefreshWhile everyMs={3000} /> : null}
      </>
    );
  }
  const live = state.kind === "live";
  const props = await buildPlayerProps({
    session,
    recording,
    playlist,
    live,
    startS,
    // Clips are for accounts that may download (the assessor's link decides its one video).
    clipsEnabled: false,
    initialClip: null,
    review: {
      notes: await getSessionNotes({ sessionId: session.id }),
      viewerId: null,
      canAnnotate: false,
      watermark: assessor.email,
      playerPath: "/assessor/play",
      verdict: session.reviewVerdict,
    },
  });
  return (
    <>
      {head}
      {live ? (
        <p className="alert alert-info" data-state="live">
          Live: this session is still being recorded; {formatDuration(props.durationMs)} so far.
        </p>
      ) : null}
      <Player {...props} />
    </>
  );
}
