import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkSessionAccess, decideAccessRequest, decideSessionAccess, requestAccess, type Watcher } from "@/lib/access";
import { assessorFromSecret, createShareLink, openShareLink, revokeShareLink, sendShareCode, verifyShareCode } from "@/lib/access/sharing";
import { db } from "@/lib/db/client";
import { accessRequests, auditLog, remoteSessions, sessionReviews, videoExports } from "@/lib/db/schema";
import type { Role } from "@/lib/domain/roles";
import { listOutbox } from "@/lib/email";
import { createOrGetLiveExport, getExportForEmail } from "@/lib/exports/queries";
import { getDownloadableExport, requestSharedExport } from "@/lib/exports";
import { watermarkText } from "@/lib/exports/convert";
import { authorizePlayback, authorizeSharedPlayback } from "@/lib/hls/http";
import { addNote, editNote, getSessionNotes, markReviewed } from "@/lib/review";
import { stopBoss } from "@/lib/jobs/queue";
import { listSessions } from "@/lib/sessions/queries";
import { setParameter } from "@/lib/settings/queries";
import pg from "pg";
import { closeDb, ownerUrlOf, useFreshDatabase } from "../support/db";
import { insertSessionWithRecording } from "../support/player-media";
import { createTestUser, signInTokenFor } from "../support/users";

type TestUser = Awaited<ReturnType<typeof createTestUser>>;
let admin: TestUser;
let admin2: TestUser;
let auditor: TestUser;
let appUrl: string;

/**
 * What the database says to a change of an append-only table: insufficient_privilege, from the app role's
 * grants (INSERT and SELECT only) or, for a role that has more, from the triggers of the review migration.
 */
const refused = { cause: { code: "42501" } };

const viewer = (u: { id: string; email: string; name: string; role: Role }) => ({ id: u.id, email: u.email, name: u.name, role: u.role });
const account = (u: TestUser): Watcher => ({ kind: "account", viewer: viewer(u) });

beforeAll(async () => {
  appUrl = await useFreshDatabase();
  admin = await createTestUser("admin");
  admin2 = await createTestUser("admin");
  auditor = await createTestUser("auditor");
});
afterAll(async () => {
  await stopBoss();
  await closeDb();
});

async function setAccessParameters(values: { justification: boolean; approval: boolean; minutes?: number }) {
  await setParameter({ key: "remote_session.require_justification", value: values.justification, updatedBy: admin.id });
  await setParameter({ key: "remote_session.require_approval", value: values.approval, updatedBy: admin.id });
  await setParameter({ key: "remote_session.access_window_minutes", value: values.minutes ?? 60, updatedBy: admin.id });
}

/** The refused uses of an ended sharing link in a session's trail, oldest first. */
async function endedLinkUses(hash: string) {
  const rows = await db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.targetId, hash), eq(auditLog.action, "session.access_refused")))
    .orderBy(auditLog.id);
  return rows
    .map((r) => ({ actorEmail: r.actorEmail, ...(r.details as { asked: string; shareLinkId?: string; refusal?: string }) }))
    .filter((d) => d.refusal?.startsWith("link-"))
    .map(({ actorEmail, asked, shareLinkId, refusal }) => ({ actorEmail, asked, shareLinkId, refusal }));
}

async function auditActions(hash: string) {
  const rows = await db.select().from(auditLog).where(eq(auditLog.targetId, hash)).orderBy(auditLog.id);
  return rows.map((r) => r.action);
}

describe("justification and the access window", () => {
  it("asks for nothing while the parameter is off, then refuses playback and downloads until a reason is given", async () => {
    await setAccessParameters({ justification: false, approval: false });
    const { session } = await insertSessionWithRecording({});
    await expect(checkSessionAccess({ watcher: account(auditor), session, purpose: "play" })).resolves.toMatchObject({ allowed: true, until: null });

    await setAccessParameters({ justification: true, approval: false, minutes: 5 });
    await expect(checkSessionAccess({ watcher: account(auditor), session, purpose: "play" })).resolves.toMatchObject({
      allowed: false,
      refusal: "justification-required",
      status: 403,
    });
    // The HLS routes' own one-round-trip query decides the same way.
    await expect(authorizePlayback({ hash: session.hash, sessionToken: await signInTokenFor(auditor), asked: "test" })).rejects.toMatchObject({ status: 403 });
  });

  it("opens a window at once without approval; the window expires after its length, for playback and for the HLS routes", async () => {
    await setAccessParameters({ justification: true, approval: false, minutes: 5 });
    const { session } = await insertSessionWithRecording({});
    const before = Date.now();
    const { request, approved } = await requestAccess({
      viewer: viewer(auditor),
      hash: session.hash,
      reason: "INC-42 investigation",
      ticket: "INC-42",
      ip: "10.9.9.9",
    });
    expect(approved).toBe(true);
    expect(request.expiresAt!.getTime() - before).toBeGreaterThanOrEqual(5 * 60_000 - 1000);
    expect(request.expiresAt!.getTime() - before).toBeLessThanOrEqual(5 * 60_000 + 5000);

    const now = await checkSessionAccess({ watcher: account(auditor), session, purpose: "download" });
    expect(now).toMatchObject({ allowed: true, requestId: request.id });
    await expect(authorizePlayback({ hash: session.hash, sessionToken: await signInTokenFor(auditor), asked: "test" })).resolves.toMatchObject({
      session: { id: session.id },
    });
    // Someone else's window is not this viewer's.
    await expect(checkSessionAccess({ watcher: account(admin), session, purpose: "play" })).resolves.toMatchObject({ allowed: false });

    // Six minutes later the window is over (the rule takes the clock as a parameter)...
    const later = new Date(Date.now() + 6 * 60_000);
    await expect(checkSessionAccess({ watcher: account(auditor), session, purpose: "play", now: later })).resolves.toMatchObject({
      allowed: false,
      refusal: "justification-required",
    });
    // ...and once its end has passed in the database, the HLS routes (which use the database's clock) refuse too.
    await db
      .update(accessRequests)
      .set({ startsAt: sql`now() - interval '10 minutes'`, expiresAt: sql`now() - interval '1 second'` })
      .where(eq(accessRequests.id, request.id));
    await expect(authorizePlayback({ hash: session.hash, sessionToken: await signInTokenFor(auditor), asked: "test" })).rejects.toMatchObject({ status: 403 });
    await expect(checkSessionAccess({ watcher: account(auditor), session, purpose: "play" })).resolves.toMatchObject({ allowed: false });

    const actions = await auditActions(session.hash);
    expect(actions).toContain("access.requested");
    const [entry] = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "access.requested"), eq(auditLog.targetId, session.hash)));
    expect(entry).toMatchObject({
      actorId: auditor.id,
      ip: "10.9.9.9",
      details: expect.objectContaining({ reason: "INC-42 investigation", ticket: "INC-42" }),
    });
  });

  it("with approval: the request waits, admins are emailed, nobody decides their own, a denial needs a comment, the window starts at approval", async () => {
    await setAccessParameters({ justification: true, approval: true, minutes: 30 });
    const { session } = await insertSessionWithRecording({});
    const outboxBefore = (await listOutbox()).length;
    const { request, approved } = await requestAccess({ viewer: viewer(admin), hash: session.hash, reason: "quarterly audit", ticket: null, ip: null });
    expect(approved).toBe(false);
    expect(request.status).toBe("pending");
    const mails = (await listOutbox()).slice(0, (await listOutbox()).length - outboxBefore);
    // Every administrator but the requester, and no auditor.
    expect(mails.map((m) => m.to).sort()).toEqual([admin2.email]);
    expect(mails[0]!.text).toContain("/settings/access-requests");
    await expect(requestAccess({ viewer: viewer(admin), hash: session.hash, reason: "again", ticket: null, ip: null })).rejects.toMatchObject({ status: 409 });
    await expect(checkSessionAccess({ watcher: account(admin), session, purpose: "play" })).resolves.toMatchObject({ refusal: "approval-required" });

    await expect(decideAccessRequest({ admin: viewer(admin), id: request.id, approve: true, comment: null, ip: null })).rejects.toMatchObject({ status: 403 });
    await expect(decideAccessRequest({ admin: viewer(auditor), id: request.id, approve: true, comment: null, ip: null })).rejects.toMatchObject({
      status: 403,
    });
    await expect(decideAccessRequest({ admin: viewer(admin2), id: request.id, approve: false, comment: null, ip: null })).rejects.toMatchObject({
      status: 400,
      field: "comment",
    });

    await new Promise((r) => setTimeout(r, 50));
    const approvedAt = Date.now();
    const row = await decideAccessRequest({ admin: viewer(admin2), id: request.id, approve: true, comment: "ok for the audit", ip: null });
    expect(row.startsAt!.getTime()).toBeGreaterThanOrEqual(approvedAt - 5);
    expect(row.startsAt!.getTime()).toBeGreaterThan(request.createdAt.getTime());
    expect(row.expiresAt!.getTime() - row.startsAt!.getTime()).toBe(30 * 60_000);
    await expect(checkSessionAccess({ watcher: account(admin), session, purpose: "play" })).resolves.toMatchObject({ allowed: true, requestId: request.id });
    const decided = (await listOutbox()).find((m) => m.to === admin.email && m.subject.includes("approved"));
    expect(decided?.text).toContain("ok for the audit");
    await expect(decideAccessRequest({ admin: viewer(admin2), id: request.id, approve: false, comment: "late", ip: null })).rejects.toMatchObject({
      status: 409,
    });
    expect(await auditActions(session.hash)).toEqual(expect.arrayContaining(["access.requested", "access.approved"]));
  });

  it("a window opened without approval stops counting when approval is turned on; a denial says why", async () => {
    await setAccessParameters({ justification: true, approval: false });
    const { session } = await insertSessionWithRecording({});
    await requestAccess({ viewer: viewer(auditor), hash: session.hash, reason: "look", ticket: null, ip: null });
    await expect(checkSessionAccess({ watcher: account(auditor), session, purpose: "play" })).resolves.toMatchObject({ allowed: true });
    await setAccessParameters({ justification: true, approval: true });
    await expect(checkSessionAccess({ watcher: account(auditor), session, purpose: "play" })).resolves.toMatchObject({
      allowed: false,
      refusal: "approval-required",
    });
    const { request } = await requestAccess({ viewer: viewer(auditor), hash: session.hash, reason: "look again", ticket: null, ip: null });
    const denied = await decideAccessRequest({ admin: viewer(admin), id: request.id, approve: false, comment: "not needed", ip: null });
    expect(denied).toMatchObject({ status: "denied", decisionComment: "not needed", expiresAt: null });
    await expect(checkSessionAccess({ watcher: account(auditor), session, purpose: "play" })).resolves.toMatchObject({ allowed: false });
    expect(await auditActions(session.hash)).toContain("access.denied");

    // A request left waiting when approval is turned off does not block a new one, which opens at once.
    await requestAccess({ viewer: viewer(auditor), hash: session.hash, reason: "third try", ticket: null, ip: null });
    await expect(requestAccess({ viewer: viewer(auditor), hash: session.hash, reason: "again", ticket: null, ip: null })).rejects.toMatchObject({
      status: 409,
    });
    await setAccessParameters({ justification: true, approval: false });
    // The first window (opened without approval) counts again: asking returns that window's request, not the waiting one.
    const first = await requestAccess({ viewer: viewer(auditor), hash: session.hash, reason: "ignored", ticket: null, ip: null });
    expect(first).toMatchObject({ approved: true, request: { status: "approved", reason: "look" } });
    await db.execute(
      sql`update access_requests set starts_at = now() - interval '2 hours', expires_at = now() - interval '1 hour' where id = ${first.request.id}`,
    );
    const opened = await requestAccess({ viewer: viewer(auditor), hash: session.hash, reason: "approval is off now", ticket: null, ip: null });
    expect(opened).toMatchObject({ approved: true, request: { status: "approved", reason: "approval is off now" } });
    await expect(checkSessionAccess({ watcher: account(auditor), session, purpose: "play" })).resolves.toMatchObject({
      allowed: true,
      requestId: opened.request.id,
    });
    await setAccessParameters({ justification: false, approval: false });
  });
});

describe("reviews and notes", () => {
  it("keeps every review and every version of a note; the list filters by the latest verdict", async () => {
    const { session } = await insertSessionWithRecording({});
    await markReviewed({ viewer: viewer(auditor), hash: session.hash, verdict: "suspicious", comment: "odd sudo", ip: null });
    await markReviewed({ viewer: viewer(admin), hash: session.hash, verdict: "incident", comment: null, ip: null });
    const reviews = await db.select().from(sessionReviews).where(eq(sessionReviews.sessionId, session.id));
    expect(reviews.map((r) => r.verdict).sort()).toEqual(["incident", "suspicious"]);
    const [row] = await db.select({ v: remoteSessions.reviewVerdict }).from(remoteSessions).where(eq(remoteSessions.id, session.id));
    expect(row!.v).toBe("incident");
    // Nothing is overwritten: the database refuses it.
    await expect(db.execute(sql`update session_reviews set verdict = 'no_issue' where session_id = ${session.id}`)).rejects.toMatchObject(refused);
    await expect(db.execute(sql`delete from session_reviews where session_id = ${session.id}`)).rejects.toMatchObject(refused);

    const incidents = await listSessions({ viewer: viewer(auditor), filter: { verdict: "incident" } });
    expect(incidents.rows.map((r) => r.hash)).toContain(session.hash);
    const suspicious = await listSessions({ viewer: viewer(auditor), filter: { verdict: "suspicious" } });
    expect(suspicious.rows.map((r) => r.hash)).not.toContain(session.hash);
    const unreviewed = await listSessions({ viewer: viewer(auditor), filter: { review: "unreviewed" } });
    expect(unreviewed.rows.map((r) => r.hash)).not.toContain(session.hash);

    const note = await addNote({ viewer: viewer(auditor), hash: session.hash, tMs: 12_500, text: "first", ip: null });
    await expect(editNote({ viewer: viewer(admin), id: note.id, text: "not mine", ip: null })).rejects.toMatchObject({ status: 403 });
    const edited = await editNote({ viewer: viewer(auditor), id: note.id, text: "second", ip: null });
    expect(edited).toMatchObject({ version: 2, text: "second", tMs: 12_500 });
    const [withVersions] = await getSessionNotes({ sessionId: session.id });
    expect(withVersions!.versions.map((v) => v.text)).toEqual(["first", "second"]);
    await expect(db.execute(sql`delete from session_note_versions where note_id = ${note.id}`)).rejects.toMatchObject(refused);
    await expect(db.execute(sql`truncate session_note_versions`)).rejects.toMatchObject(refused);
    // The owner (migrations) has the privileges; the triggers refuse it too.
    const owner = new pg.Client({ connectionString: ownerUrlOf(appUrl) });
    await owner.connect();
    try {
      for (const statement of [
        `update session_reviews set verdict = 'no_issue' where session_id = ${session.id}`,
        `delete from session_note_versions where note_id = ${note.id}`,
        "truncate session_reviews, session_note_versions",
      ]) {
        await expect(owner.query(statement)).rejects.toMatchObject({ message: expect.stringMatching(/is append-only/) });
      }
    } finally {
      await owner.end();
    }
    // The user who performed a session neither reviews nor annotates.
    const pamUser = await createTestUser("user");
    const own = await insertSessionWithRecording({ userId: pamUser.id });
    await expect(markReviewed({ viewer: viewer(pamUser), hash: own.session.hash, verdict: "no_issue", comment: null, ip: null })).rejects.toMatchObject({
      status: 403,
    });
    // Nor learns the verdicts by filtering their own sessions: the list ignores the review filters for them.
    const reviewedOwn = await insertSessionWithRecording({ userId: pamUser.id });
    await markReviewed({ viewer: viewer(auditor), hash: reviewedOwn.session.hash, verdict: "incident", comment: null, ip: null });
    const mine = [own.session.hash, reviewedOwn.session.hash].sort();
    for (const filter of [
      { verdict: "incident" as const },
      { verdict: "no_issue" as const },
      { review: "reviewed" as const },
      { review: "unreviewed" as const },
    ]) {
      const page = await listSessions({ viewer: viewer(pamUser), filter });
      expect(page.rows.map((r) => r.hash).sort(), JSON.stringify(filter)).toEqual(mine);
    }
    const forAuditor = await listSessions({ viewer: viewer(auditor), filter: { verdict: "incident" } });
    expect(forAuditor.rows.map((r) => r.hash)).toContain(reviewedOwn.session.hash);
    expect(forAuditor.rows.map((r) => r.hash)).not.toContain(own.session.hash);
  });
});

describe("a sharing link", () => {
  async function openLink(hash: string, allowDownload = false) {
    const before = (await listOutbox()).length;
    const { url } = await createShareLink({ viewer: viewer(admin), hash, email: "assessor@audit.example", days: 3, allowDownload, ip: null });
    const linkToken = url.split("/shared/")[1]!;
    const invitation = (await listOutbox()).slice(0, (await listOutbox()).length - before);
    expect(invitation.map((m) => m.to)).toEqual(["assessor@audit.example"]);
    expect(invitation[0]!.text).toContain(url);
    await sendShareCode({ token: linkToken, ip: null });
    const codeMail = (await listOutbox()).find((m) => m.to === "assessor@audit.example" && m.subject.startsWith("Your code"));
    const code = /\b(\d{6})\b/.exec(codeMail!.text)![1]!;
    return { linkToken, code };
  }

  it("cannot reach another session by changing the URL: HLS, downloads and the session's own pages", async () => {
    const shared = await insertSessionWithRecording({});
    const other = await insertSessionWithRecording({});
    const { linkToken, code } = await openLink(shared.session.hash, true);
    await expect(verifyShareCode({ token: linkToken, code: code === "000000" ? "111111" : "000000", ip: null })).rejects.toMatchObject({ field: "code" });
    const { cookie } = await verifyShareCode({ token: linkToken, code, ip: "192.0.2.7" });
    // A code works once.
    await expect(verifyShareCode({ token: linkToken, code, ip: null })).rejects.toMatchObject({ status: 400 });

    const state = await assessorFromSecret(cookie);
    expect(state.state).toBe("open");
    const assessor = state.state === "open" ? state.assessor : null;
    expect(assessor).toMatchObject({ email: "assessor@audit.example", sessionId: shared.session.id, hash: shared.session.hash });

    // The shared session's media: yes. Any other hash in the same URL: the 404 of a missing session.
    await expect(authorizeSharedPlayback({ hash: shared.session.hash, secret: cookie })).resolves.toMatchObject({ session: { id: shared.session.id } });
    await expect(authorizeSharedPlayback({ hash: other.session.hash, secret: cookie })).rejects.toMatchObject({ status: 404 });
    await expect(authorizeSharedPlayback({ hash: "f".repeat(32), secret: cookie })).rejects.toMatchObject({ status: 404 });
    // The access rule says the same for any other session.
    expect(
      decideSessionAccess({
        facts: {
          kind: "assessor",
          link: { id: assessor!.linkId, sessionId: shared.session.id, expiresAt: assessor!.expiresAt, revokedAt: null, allowDownload: true },
        },
        sessionId: other.session.id,
        purpose: "play",
      }),
    ).toMatchObject({ allowed: false, status: 404 });

    // Downloads: only a video made for this link. Another session's video, or an account's video of the same session, is "not found".
    await setParameter({ key: "remote_session.video_download_enabled", value: true, updatedBy: admin.id });
    const { export: otherVideo } = await createOrGetLiveExport({
      sessionId: other.session.id,
      requestedBy: admin.id,
      format: "mp4",
      watermark: false,
      optionsKey: "mp4",
    });
    const { export: accountVideo } = await createOrGetLiveExport({
      sessionId: shared.session.id,
      requestedBy: admin.id,
      format: "mp4",
      watermark: false,
      optionsKey: "mp4",
    });
    const { export: ownVideo } = await createOrGetLiveExport({
      sessionId: shared.session.id,
      requestedBy: admin.id,
      format: "mp4",
      watermark: true,
      optionsKey: `mp4+watermark:share:${assessor!.linkId}`,
      shareLinkId: assessor!.linkId,
    });
    for (const id of [otherVideo.id, accountVideo.id]) {
      await expect(getDownloadableExport({ id, watcher: assessor! })).rejects.toMatchObject({ status: 404 });
    }
    await db.update(videoExports).set({ status: "done", storageKey: "exports/x.mp4" }).where(eq(videoExports.id, ownVideo.id));
    await expect(getDownloadableExport({ id: ownVideo.id, watcher: assessor! })).resolves.toMatchObject({ export: { id: ownVideo.id } });

    // Revoked: at once, and it says so.
    await revokeShareLink({ viewer: viewer(admin), id: assessor!.linkId, ip: null });
    await expect(assessorFromSecret(cookie)).resolves.toMatchObject({ state: "ended", reason: "revoked" });
    await expect(authorizeSharedPlayback({ hash: shared.session.hash, secret: cookie })).rejects.toMatchObject({
      status: 403,
      message: "This sharing link was revoked.",
    });
    await expect(openShareLink({ token: linkToken })).resolves.toMatchObject({ state: "revoked" });
    await expect(sendShareCode({ token: linkToken, ip: null })).rejects.toMatchObject({ status: 403 });

    const actions = await auditActions(shared.session.hash);
    expect(actions).toEqual(expect.arrayContaining(["share.created", "share.code_sent", "share.code_failed", "share.opened", "share.revoked"]));
    // Each use of the revoked link (its stream, a new code) is a refused access in the trail, under the recipient's email with the link.
    expect(await endedLinkUses(shared.session.hash)).toEqual(
      expect.arrayContaining([
        { actorEmail: "assessor@audit.example", asked: "hls", shareLinkId: assessor!.linkId, refusal: "link-revoked" },
        { actorEmail: "assessor@audit.example", asked: "share code", shareLinkId: assessor!.linkId, refusal: "link-revoked" },
      ]),
    );
  });

  it("an assessor's video is made for their link, carries their email in its watermark, and a link without download cannot ask for one", async () => {
    await setParameter({ key: "remote_session.video_download_enabled", value: true, updatedBy: admin.id });
    const { session } = await insertSessionWithRecording({});
    const { linkToken, code } = await openLink(session.hash, true);
    const { cookie } = await verifyShareCode({ token: linkToken, code, ip: null });
    const state = await assessorFromSecret(cookie);
    const assessor = state.state === "open" ? state.assessor : null;
    const { export: video, created } = await requestSharedExport({ assessor: assessor!, ip: null });
    expect(created).toBe(true);
    expect(video).toMatchObject({ sessionId: session.id, shareLinkId: assessor!.linkId, watermark: true });
    // Asked again: the same video, once per link.
    await expect(requestSharedExport({ assessor: assessor!, ip: null })).resolves.toMatchObject({ created: false, export: { id: video.id } });
    // What the conversion burns into the picture names the assessor, not the account that made the link.
    const text = watermarkText({ row: video, info: await getExportForEmail({ id: video.id }) });
    expect(text.split("\n")[0]).toBe("Shared with assessor@audit.example");
    expect(text).toContain(`Session ${session.hash}`);
    expect(text).not.toContain(admin.email);
    const asked = (
      await db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.targetId, session.hash), eq(auditLog.action, "export.requested")))
    ).map((r) => r.actorEmail);
    expect(asked).toEqual(["assessor@audit.example", "assessor@audit.example"]);

    // A link without download: refused before anything is made.
    const other = await insertSessionWithRecording({});
    const second = await openLink(other.session.hash, false);
    const noDownload = await assessorFromSecret((await verifyShareCode({ token: second.linkToken, code: second.code, ip: null })).cookie);
    await expect(requestSharedExport({ assessor: noDownload.state === "open" ? noDownload.assessor : assessor!, ip: null })).rejects.toMatchObject({
      status: 403,
      message: "This sharing link does not allow downloads.",
    });
    expect(await db.select().from(videoExports).where(eq(videoExports.sessionId, other.session.id))).toEqual([]);
  });

  it("an expired link says so; a link without download refuses downloads; auditors share only when the parameter allows", async () => {
    const { session } = await insertSessionWithRecording({});
    const { linkToken, code } = await openLink(session.hash, false);
    const { cookie } = await verifyShareCode({ token: linkToken, code, ip: null });
    const state = await assessorFromSecret(cookie);
    const assessor = state.state === "open" ? state.assessor : null;
    expect(
      decideSessionAccess({
        facts: {
          kind: "assessor",
          link: { id: assessor!.linkId, sessionId: session.id, expiresAt: assessor!.expiresAt, revokedAt: null, allowDownload: false },
        },
        sessionId: session.id,
        purpose: "download",
      }),
    ).toMatchObject({ allowed: false, refusal: "download-not-allowed" });

    await db.execute(sql`update share_links set expires_at = now() - interval '1 minute' where id = ${assessor!.linkId}`);
    await expect(assessorFromSecret(cookie)).resolves.toMatchObject({ state: "ended", reason: "expired" });
    await expect(openShareLink({ token: linkToken })).resolves.toMatchObject({ state: "expired" });
    await expect(authorizeSharedPlayback({ hash: session.hash, secret: cookie })).rejects.toMatchObject({
      status: 403,
      message: "This sharing link has expired.",
    });
    await expect(verifyShareCode({ token: linkToken, code: "123456", ip: null })).rejects.toMatchObject({ status: 403 });
    expect(await endedLinkUses(session.hash)).toEqual([
      { actorEmail: "assessor@audit.example", asked: "hls", shareLinkId: assessor!.linkId, refusal: "link-expired" },
      { actorEmail: "assessor@audit.example", asked: "share code check", shareLinkId: assessor!.linkId, refusal: "link-expired" },
    ]);

    await expect(
      createShareLink({ viewer: viewer(auditor), hash: session.hash, email: "x@y.example", days: 1, allowDownload: false, ip: null }),
    ).rejects.toMatchObject({ status: 403 });
    await setParameter({ key: "remote_session.auditors_may_share", value: true, updatedBy: admin.id });
    await expect(
      createShareLink({ viewer: viewer(auditor), hash: session.hash, email: "x@y.example", days: 1, allowDownload: false, ip: null }),
    ).resolves.toBeTruthy();
    await expect(
      createShareLink({ viewer: viewer(admin), hash: session.hash, email: "x@y.example", days: 31, allowDownload: false, ip: null }),
    ).rejects.toMatchObject({ status: 400 });
    await expect(openShareLink({ token: "not-a-token" })).resolves.toEqual({ state: "unknown" });
  });
});
