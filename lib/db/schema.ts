import { sql } from "drizzle-orm";
import {
  type AnyPgColumn,
  bigint,
  bigserial,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { EMAIL_STATUSES, EVENT_TYPES, EXPORT_FORMATS, EXPORT_STATUSES, INTEGRITY_STATUSES, RECORDING_STATUSES } from "../domain/recordings";
import { ROLES } from "../domain/roles";
import { LIVE_COMMAND_KINDS, LIVE_COMMAND_OUTCOMES } from "../domain/live";
import { COMMAND_SOURCES, CRITICALITIES, RULE_ACTIONS, RULE_SESSION_TYPES } from "../domain/rules";
import { DELETION_BASES, DELETION_REQUEST_STATUSES } from "../domain/retention";
import { ACCESS_REQUEST_STATUSES, REVIEW_VERDICTS } from "../domain/reviews";
import { PROTOCOLS, SESSION_STATUSES } from "../domain/sessions";

const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();

// ─── People ──────────────────────────────────────────────────────────────────

export const roleEnum = pgEnum("role", ROLES);

/** Accounts of this product: admins, auditors, and the PAM users whose sessions are recorded. */
export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    email: text("email").notNull(),
    name: text("name").notNull(),
    role: roleEnum("role").notNull().default("user"),
    passwordHash: text("password_hash").notNull(),
    disabledAt: timestamp("disabled_at", { withTimezone: true }),
    /** Carried in every sign-in's token; raising it (password reset) signs the account out everywhere. */
    sessionVersion: integer("session_version").notNull().default(0),
    createdAt: createdAt(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("users_email_key").on(sql`lower(${t.email})`)],
);
export type User = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;

/**
 * A signed-in browser: one row per successful sign-in, named by the session
 * cookie (its `sid`). Signing out ends it on the server, so a copy of the
 * cookie kept from before is refused; so is one unused for longer than the
 * idle timeout (system parameter `security.idle_timeout_minutes`).
 */
export const signIns = pgTable(
  "sign_ins",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id),
    ip: text("ip"),
    createdAt: createdAt(),
    /** Moved forward by requests (at most every 30 s), for the idle timeout. */
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull().defaultNow(),
    endedAt: timestamp("ended_at", { withTimezone: true }),
  },
  (t) => [index("sign_ins_user_idx").on(t.userId)],
);
export type SignIn = typeof signIns.$inferSelect;

/** Every sign-in attempt, for throttling and lockout by account and by IP. */
export const signInAttempts = pgTable(
  "sign_in_attempts",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    email: text("email").notNull(),
    ip: text("ip").notNull(),
    succeeded: boolean("succeeded").notNull(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("sign_in_attempts_email_at_idx").on(sql`lower(${t.email})`, t.at), index("sign_in_attempts_ip_at_idx").on(t.ip, t.at)],
);
export type SignInAttempt = typeof signInAttempts.$inferSelect;

// ─── Remote sessions and their recordings ────────────────────────────────────

export const protocolEnum = pgEnum("protocol", PROTOCOLS);

export const sessionStatusEnum = pgEnum("session_status", SESSION_STATUSES);

export const criticalityEnum = pgEnum("criticality", CRITICALITIES);

export const reviewVerdictEnum = pgEnum("review_verdict", REVIEW_VERDICTS);

/**
 * A remote session recorded by the session proxy. `hash` is the proxy's unique
 * session ID (shown as "ID"). `userId` links the PAM user when they have an
 * account here; `userName` keeps the name the proxy reported either way.
 */
export const remoteSessions = pgTable(
  "remote_sessions",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    hash: text("hash").notNull(),
    protocol: protocolEnum("protocol").notNull(),
    host: text("host").notNull(),
    credentialUsername: text("credential_username").notNull(),
    userId: uuid("user_id").references(() => users.id),
    userName: text("user_name").notNull(),
    userIp: text("user_ip").notNull(),
    clusterNode: text("cluster_node"),
    /**
     * The API token (the proxy) that started the session: only it may read or
     * write the session through the ingestion API; an admin may move it to
     * another. Null for sessions from before tokens were bound (no token may).
     */
    apiTokenId: uuid("api_token_id").references(() => apiTokens.id),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull(),
    endedAt: timestamp("ended_at", { withTimezone: true }),
    status: sessionStatusEnum("status").notNull().default("active"),
    errorMessage: text("error_message"),
    /** Bytes of recorded media; 0 until media arrives. */
    recordingSize: bigint("recording_size", { mode: "number" }).notNull().default(0),
    /** Sum of the scores of the audited-command findings. */
    riskScore: integer("risk_score").notNull().default(0),
    maxCriticality: criticalityEnum("max_criticality"),
    /** Version of the audited-command rules the last analysis used; null until analyzed. */
    analysisRulesVersion: integer("analysis_rules_version"),
    analyzedAt: timestamp("analyzed_at", { withTimezone: true }),
    /** The verdict of the latest review (session_reviews keeps them all); null until reviewed. */
    reviewVerdict: reviewVerdictEnum("review_verdict"),
    reviewedAt: timestamp("reviewed_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("remote_sessions_hash_key").on(t.hash),
    // Keyset pagination: newest first, id breaks ties.
    index("remote_sessions_started_idx").on(t.startedAt.desc(), t.id.desc()),
    index("remote_sessions_protocol_started_idx").on(t.protocol, t.startedAt.desc(), t.id.desc()),
    index("remote_sessions_status_started_idx").on(t.status, t.startedAt.desc(), t.id.desc()),
    index("remote_sessions_user_started_idx").on(t.userId, t.startedAt.desc(), t.id.desc()),
    index("remote_sessions_risk_idx").on(t.riskScore.desc(), t.id.desc()),
    // "Sessions with occurrences detected": only analyzed sessions with findings have a max criticality.
    index("remote_sessions_findings_started_idx")
      .on(t.startedAt.desc(), t.id.desc())
      .where(sql`${t.maxCriticality} is not null`),
    // The list's review filters: reviewed (any verdict), one verdict, and the work queue of sessions never reviewed.
    index("remote_sessions_reviewed_started_idx")
      .on(t.startedAt.desc(), t.id.desc())
      .where(sql`${t.reviewVerdict} is not null`),
    index("remote_sessions_verdict_started_idx")
      .on(t.reviewVerdict, t.startedAt.desc(), t.id.desc())
      .where(sql`${t.reviewVerdict} is not null`),
    index("remote_sessions_unreviewed_started_idx")
      .on(t.startedAt.desc(), t.id.desc())
      .where(sql`${t.reviewVerdict} is null`),
    // Free-text search matches the start of these columns (text_pattern_ops allows LIKE 'x%').
    index("remote_sessions_hash_prefix_idx").using("btree", sql`${t.hash} text_pattern_ops`),
    index("remote_sessions_host_prefix_idx").using("btree", sql`lower(${t.host}) text_pattern_ops`),
    index("remote_sessions_user_name_prefix_idx").using("btree", sql`lower(${t.userName}) text_pattern_ops`),
    index("remote_sessions_credential_prefix_idx").using("btree", sql`lower(${t.credentialUsername}) text_pattern_ops`),
  ],
);
export type RemoteSession = typeof remoteSessions.$inferSelect;
export type NewRemoteSession = typeof remoteSessions.$inferInsert;

export const recordingStatusEnum = pgEnum("recording_status", RECORDING_STATUSES);

export const integrityStatusEnum = pgEnum("integrity_status", INTEGRITY_STATUSES);

export const deletionBasisEnum = pgEnum("deletion_basis", DELETION_BASES);

/** The media of a session, received in numbered chunks. */
export const recordings = pgTable(
  "recordings",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    sessionId: bigint("session_id", { mode: "number" })
      .notNull()
      .unique()
      .references(() => remoteSessions.id),
    status: recordingStatusEnum("status").notNull().default("receiving"),
    statusReason: text("status_reason"),
    expectedChunks: integer("expected_chunks"),
    expectedSha256: text("expected_sha256"),
    /** Head of the hash chain over the chunks in order: h_n = sha256(h_{n-1} || chunk_sha256_n). */
    chainHead: text("chain_head"),
    sizeBytes: bigint("size_bytes", { mode: "number" }).notNull().default(0),
    // Facts read by ffprobe after finish.
    container: text("container"),
    durationMs: integer("duration_ms"),
    width: integer("width"),
    height: integer("height"),
    videoCodec: text("video_codec"),
    audioCodec: text("audio_codec"),
    hasAudio: boolean("has_audio"),
    probe: jsonb("probe"),
    // Playable form for the player (fragmented MP4 + byte-range playlist).
    playableKey: text("playable_key"),
    playlist: jsonb("playlist"),
    // Activity measured from the media for the heatmap.
    activity: jsonb("activity"),
    // Timeline thumbnails: the index of the sprite sheets in storage (lib/hls/thumbnails.ts).
    thumbnails: jsonb("thumbnails"),
    integrityStatus: integrityStatusEnum("integrity_status").notNull().default("unchecked"),
    integrityCheckedAt: timestamp("integrity_checked_at", { withTimezone: true }),
    integrityFirstBadChunk: integer("integrity_first_bad_chunk"),
    integrityDetail: text("integrity_detail"),
    /** The node (NODE_NAME) that received the recording's first chunk. */
    receivedBy: text("received_by"),
    createdAt: createdAt(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    // The tombstone (lib/retention): set when the media was deleted; the row, its chunks' hashes and the session stay.
    /** When the recording was deleted; null while it exists. */
    deletedAt: timestamp("deleted_at", { withTimezone: true }),
    /** The admin who confirmed an early deletion; null for a deletion by the retention policy. */
    deletedBy: uuid("deleted_by").references(() => users.id),
    deletionBasis: deletionBasisEnum("deletion_basis"),
    /** The reason given for an early deletion, or the policy period that ran out. */
    deletionReason: text("deletion_reason"),
    /** SHA-256 of the assembled media and head of the chunks' hash chain at the moment of deletion. */
    deletedSha256: text("deleted_sha256"),
    deletedChainHead: text("deleted_chain_head"),
    deletedSizeBytes: bigint("deleted_size_bytes", { mode: "number" }),
    /** Set once every stored object of the recording and its exports is gone (a retried job finishes the rest). */
    purgedAt: timestamp("purged_at", { withTimezone: true }),
    /** When the store first refused to delete the recording's objects (S3 Object Lock), and what it said; the purge is tried again each run. */
    purgeRefusedAt: timestamp("purge_refused_at", { withTimezone: true }),
    purgeRefusedReason: text("purge_refused_reason"),
  },
  (t) => [
    index("recordings_deleted_unpurged_idx")
      .on(t.id)
      .where(sql`${t.deletedAt} is not null and ${t.purgedAt} is null`),
  ],
);
export type Recording = typeof recordings.$inferSelect;
export type NewRecording = typeof recordings.$inferInsert;

export const recordingChunks = pgTable(
  "recording_chunks",
  {
    recordingId: bigint("recording_id", { mode: "number" })
      .notNull()
      .references(() => recordings.id),
    seq: integer("seq").notNull(),
    sizeBytes: bigint("size_bytes", { mode: "number" }).notNull(),
    sha256: text("sha256").notNull(),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
    /**
     * The node whose own disk holds the chunk because the shared store could
     * not take it when it arrived; null once it is in the shared store (and
     * always on local storage). Its sync job clears it.
     */
    heldBy: text("held_by"),
    /** Copies to the shared store tried so far, why the last one failed, and when the next one is due. */
    syncAttempts: integer("sync_attempts").notNull().default(0),
    syncError: text("sync_error"),
    syncNextAt: timestamp("sync_next_at", { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.recordingId, t.seq] }),
    check("recording_chunks_seq_check", sql`${t.seq} >= 0`),
    index("recording_chunks_held_idx")
      .on(t.heldBy, t.syncNextAt)
      .where(sql`${t.heldBy} is not null`),
  ],
);
export type RecordingChunk = typeof recordingChunks.$inferSelect;

export const eventTypeEnum = pgEnum("event_type", EVENT_TYPES);

/** The keystroke / event log: `tMs` is milliseconds from the session start. */
export const sessionEvents = pgTable(
  "session_events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    sessionId: bigint("session_id", { mode: "number" })
      .notNull()
      .references(() => remoteSessions.id),
    tMs: integer("t_ms").notNull(),
    type: eventTypeEnum("type").notNull(),
    data: jsonb("data").notNull(),
  },
  (t) => [index("session_events_session_t_idx").on(t.sessionId, t.tMs)],
);
export type SessionEvent = typeof sessionEvents.$inferSelect;

// ─── Live control ────────────────────────────────────────────────────────────

export const liveCommandKindEnum = pgEnum("live_command_kind", LIVE_COMMAND_KINDS);
export const liveCommandOutcomeEnum = pgEnum("live_command_outcome", LIVE_COMMAND_OUTCOMES);

/**
 * A command to the proxy recording a live session (terminate, lock, unlock,
 * message). Any node accepts it; PostgreSQL carries it to the node the proxy
 * holds its command channel open on (lib/live/channel.ts). The proxy receives
 * it (`deliveredAt`), acknowledges it and reports its outcome.
 */
export const liveCommands = pgTable(
  "live_commands",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    sessionId: bigint("session_id", { mode: "number" })
      .notNull()
      .references(() => remoteSessions.id),
    kind: liveCommandKindEnum("kind").notNull(),
    /** The reason (terminate, lock) or the message's text; null for unlock. */
    text: text("text"),
    issuedBy: uuid("issued_by").references(() => users.id),
    /** Who issued it as they were named then, for "Terminated by Ana". */
    issuedByName: text("issued_by_name").notNull(),
    issuedAt: timestamp("issued_at", { withTimezone: true }).notNull().defaultNow(),
    deliveredAt: timestamp("delivered_at", { withTimezone: true }),
    acknowledgedAt: timestamp("acknowledged_at", { withTimezone: true }),
    outcome: liveCommandOutcomeEnum("outcome"),
    /** What the proxy said with its outcome. */
    outcomeMessage: text("outcome_message"),
    answeredAt: timestamp("answered_at", { withTimezone: true }),
  },
  (t) => [
    index("live_commands_session_idx").on(t.sessionId, t.issuedAt),
    // The channel's question, "what is still to deliver?", reads only commands without an outcome.
    index("live_commands_pending_idx")
      .on(t.sessionId)
      .where(sql`${t.outcome} is null`),
  ],
);
export type LiveCommand = typeof liveCommands.$inferSelect;
export type NewLiveCommand = typeof liveCommands.$inferInsert;

// ─── Video for download ──────────────────────────────────────────────────────

export const exportFormatEnum = pgEnum("export_format", EXPORT_FORMATS);
export const exportStatusEnum = pgEnum("export_status", EXPORT_STATUSES);
export const emailStatusEnum = pgEnum("email_status", EMAIL_STATUSES);

export const videoExports = pgTable(
  "video_exports",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    sessionId: bigint("session_id", { mode: "number" })
      .notNull()
      .references(() => remoteSessions.id),
    requestedBy: uuid("requested_by")
      .notNull()
      .references(() => users.id),
    format: exportFormatEnum("format").notNull(),
    watermark: boolean("watermark").notNull().default(false),
    /** Identity of the conversion (format + options, and the range of a clip); one live export per session and key. */
    optionsKey: text("options_key").notNull(),
    /** A clip: the part of the recording from clip_start_ms (included) to clip_end_ms; both null for the whole video. */
    clipStartMs: integer("clip_start_ms"),
    clipEndMs: integer("clip_end_ms"),
    status: exportStatusEnum("status").notNull().default("queued"),
    progress: real("progress").notNull().default(0),
    etaSeconds: integer("eta_seconds"),
    storageKey: text("storage_key"),
    sizeBytes: bigint("size_bytes", { mode: "number" }),
    durationMs: integer("duration_ms"),
    error: text("error"),
    emailStatus: emailStatusEnum("email_status"),
    emailError: text("email_error"),
    /** Made for an assessor through this sharing link (watermarked with their email, emailed to them). */
    shareLinkId: uuid("share_link_id").references((): AnyPgColumn => shareLinks.id),
    createdAt: createdAt(),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("video_exports_live_key")
      .on(t.sessionId, t.optionsKey)
      .where(sql`${t.status} in ('queued', 'running', 'done')`),
    check(
      "video_exports_clip_range_check",
      sql`(${t.clipStartMs} is null and ${t.clipEndMs} is null) or (${t.clipStartMs} >= 0 and ${t.clipEndMs} > ${t.clipStartMs})`,
    ),
  ],
);
export type VideoExport = typeof videoExports.$inferSelect;

/**
 * Others who asked for the same video while it was being converted: it is
 * shared (one conversion per session and options), and each of them is told
 * by email when it is ready, like the requester on video_exports.
 */
export const videoExportRecipients = pgTable(
  "video_export_recipients",
  {
    exportId: uuid("export_id")
      .notNull()
      .references(() => videoExports.id),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id),
    addedAt: timestamp("added_at", { withTimezone: true }).notNull().defaultNow(),
    emailStatus: emailStatusEnum("email_status").notNull().default("pending"),
    emailError: text("email_error"),
  },
  (t) => [primaryKey({ columns: [t.exportId, t.userId] })],
);

/** Emails kept in the app when no Resend key is configured, and the send log otherwise. */
export const emailOutbox = pgTable("email_outbox", {
  id: uuid("id").primaryKey().defaultRandom(),
  to: text("to").notNull(),
  subject: text("subject").notNull(),
  html: text("html").notNull(),
  text: text("text").notNull(),
  transport: text("transport").notNull(), // 'outbox' | 'resend'
  providerId: text("provider_id"),
  createdAt: createdAt(),
});
export type EmailOutboxEntry = typeof emailOutbox.$inferSelect;
export type NewEmailOutboxEntry = typeof emailOutbox.$inferInsert;

// ─── Review: access to watch, verdicts, notes, sharing ───────────────────────

export const accessRequestStatusEnum = pgEnum("access_request_status", ACCESS_REQUEST_STATUSES);

/**
 * A viewer's justification for watching a session (reason, optional ticket).
 * Approved as it is made when no approval is required, else by an
 * administrator; an approved request opens a window [startsAt, expiresAt)
 * during which that viewer may play and download that session.
 */
export const accessRequests = pgTable(
  "access_requests",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    sessionId: bigint("session_id", { mode: "number" })
      .notNull()
      .references(() => remoteSessions.id),
    requesterId: uuid("requester_id")
      .notNull()
      .references(() => users.id),
    reason: text("reason").notNull(),
    ticket: text("ticket"),
    status: accessRequestStatusEnum("status").notNull().default("pending"),
    /** The administrator who approved or denied; null for a request approved as it was made (no approval required). */
    decidedBy: uuid("decided_by").references(() => users.id),
    decidedAt: timestamp("decided_at", { withTimezone: true }),
    decisionComment: text("decision_comment"),
    /** The length of the window, from the system parameter when it was opened. */
    windowMinutes: integer("window_minutes"),
    startsAt: timestamp("starts_at", { withTimezone: true }),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    index("access_requests_requester_session_idx").on(t.requesterId, t.sessionId, t.createdAt.desc()),
    index("access_requests_pending_idx")
      .on(t.createdAt)
      .where(sql`${t.status} = 'pending'`),
    index("access_requests_created_idx").on(t.createdAt.desc()),
    check("access_requests_window_check", sql`${t.status} <> 'approved' or (${t.startsAt} is not null and ${t.expiresAt} > ${t.startsAt})`),
  ],
);
export type AccessRequest = typeof accessRequests.$inferSelect;

/** Every review of a session, append-only (a trigger refuses UPDATE and DELETE): a new review never overwrites one. */
export const sessionReviews = pgTable(
  "session_reviews",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    sessionId: bigint("session_id", { mode: "number" })
      .notNull()
      .references(() => remoteSessions.id),
    reviewerId: uuid("reviewer_id")
      .notNull()
      .references(() => users.id),
    verdict: reviewVerdictEnum("verdict").notNull(),
    comment: text("comment"),
    createdAt: createdAt(),
  },
  (t) => [index("session_reviews_session_idx").on(t.sessionId, t.createdAt.desc())],
);
export type SessionReview = typeof sessionReviews.$inferSelect;

/** A note at a moment of a session; `text` is its latest version, session_note_versions keeps every one. */
export const sessionNotes = pgTable(
  "session_notes",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    sessionId: bigint("session_id", { mode: "number" })
      .notNull()
      .references(() => remoteSessions.id),
    authorId: uuid("author_id")
      .notNull()
      .references(() => users.id),
    tMs: integer("t_ms").notNull(),
    text: text("text").notNull(),
    version: integer("version").notNull().default(1),
    createdAt: createdAt(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("session_notes_session_idx").on(t.sessionId, t.tMs), check("session_notes_t_check", sql`${t.tMs} >= 0`)],
);
export type SessionNote = typeof sessionNotes.$inferSelect;

/** Every version of every note, append-only (a trigger refuses UPDATE and DELETE). */
export const sessionNoteVersions = pgTable(
  "session_note_versions",
  {
    noteId: bigint("note_id", { mode: "number" })
      .notNull()
      .references(() => sessionNotes.id),
    version: integer("version").notNull(),
    text: text("text").notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.noteId, t.version] })],
);
export type SessionNoteVersion = typeof sessionNoteVersions.$inferSelect;

/**
 * A link that shows one session to an assessor without an account. Only a
 * hash of the link's secret is kept (the secret is in the email), and of the
 * one-time code sent to the recipient when they open it.
 */
export const shareLinks = pgTable(
  "share_links",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    sessionId: bigint("session_id", { mode: "number" })
      .notNull()
      .references(() => remoteSessions.id),
    createdBy: uuid("created_by")
      .notNull()
      .references(() => users.id),
    recipientEmail: text("recipient_email").notNull(),
    allowDownload: boolean("allow_download").notNull().default(false),
    tokenHash: text("token_hash").notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    revokedBy: uuid("revoked_by").references(() => users.id),
    codeHash: text("code_hash"),
    codeExpiresAt: timestamp("code_expires_at", { withTimezone: true }),
    codeAttempts: integer("code_attempts").notNull().default(0),
    codesSent: integer("codes_sent").notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("share_links_token_key").on(t.tokenHash), index("share_links_session_idx").on(t.sessionId, t.createdAt.desc())],
);
export type ShareLink = typeof shareLinks.$inferSelect;

/**
 * A browser of an assessor who confirmed a link with its one-time code: the
 * cookie holds a secret whose hash is here. Every request reads it with its
 * link, so revoking the link (or its expiry) ends it at once.
 */
export const shareSessions = pgTable(
  "share_sessions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    linkId: uuid("link_id")
      .notNull()
      .references(() => shareLinks.id),
    tokenHash: text("token_hash").notNull(),
    ip: text("ip"),
    createdAt: createdAt(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex("share_sessions_token_key").on(t.tokenHash)],
);
export type ShareSession = typeof shareSessions.$inferSelect;

// ─── Vulnerability analysis ──────────────────────────────────────────────────

export const ruleSessionTypeEnum = pgEnum("rule_session_type", RULE_SESSION_TYPES);
export const ruleActionEnum = pgEnum("rule_action", RULE_ACTIONS);

export const auditedCommandRules = pgTable("audited_command_rules", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull(),
  pattern: text("pattern").notNull(),
  sessionType: ruleSessionTypeEnum("session_type").notNull(),
  criticality: criticalityEnum("criticality").notNull(),
  score: integer("score").notNull(),
  action: ruleActionEnum("action").notNull(),
  /** For action 'interrupt': the attempt that interrupts the session. */
  attempts: integer("attempts"),
  mitreTechnique: text("mitre_technique"),
  enabled: boolean("enabled").notNull().default(true),
  builtIn: boolean("built_in").notNull().default(false),
  createdAt: createdAt(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});
export type AuditedCommandRule = typeof auditedCommandRules.$inferSelect;

export const commandFindings = pgTable(
  "command_findings",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    sessionId: bigint("session_id", { mode: "number" })
      .notNull()
      .references(() => remoteSessions.id),
    ruleId: uuid("rule_id").references(() => auditedCommandRules.id, { onDelete: "set null" }),
    ruleName: text("rule_name").notNull(),
    /** Version of the whole rule set that produced this finding. */
    rulesVersion: integer("rules_version").notNull(),
    command: text("command").notNull(),
    tMs: integer("t_ms").notNull(),
    score: integer("score").notNull(),
    criticality: criticalityEnum("criticality").notNull(),
    action: ruleActionEnum("action").notNull(),
  },
  (t) => [index("command_findings_session_idx").on(t.sessionId, t.tMs)],
);
export type CommandFinding = typeof commandFindings.$inferSelect;

export const commandSourceEnum = pgEnum("command_source", COMMAND_SOURCES);

/**
 * Every command of a session as the analysis rebuilt it (typed lines, proxy
 * commands, database statements), so that auditors can search commands across
 * all recordings and jump to the moment. Masked keystrokes are never in `text`.
 * Replaced with the findings on every analysis.
 */
export const sessionCommands = pgTable(
  "session_commands",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    sessionId: bigint("session_id", { mode: "number" })
      .notNull()
      .references(() => remoteSessions.id),
    tMs: integer("t_ms").notNull(),
    text: text("text").notNull(),
    source: commandSourceEnum("source").notNull(),
    masked: boolean("masked").notNull().default(false),
  },
  (t) => [
    index("session_commands_session_idx").on(t.sessionId, t.tMs),
    // Substring search (ILIKE '%…%') through trigrams: pg_trgm ships with PostgreSQL.
    index("session_commands_text_trgm_idx").using("gin", t.text.op("gin_trgm_ops")),
  ],
);
export type SessionCommand = typeof sessionCommands.$inferSelect;

// ─── Administration ──────────────────────────────────────────────────────────

/**
 * The nodes of the cluster (one row per NODE_NAME), kept by each node's
 * heartbeat: what Settings > Cluster shows, and what a synchronizing
 * recording says about the node it waits on.
 */
export const clusterNodes = pgTable("cluster_nodes", {
  name: text("name").primaryKey(),
  url: text("url"),
  version: text("version").notNull(),
  pid: integer("pid"),
  workerRunning: boolean("worker_running").notNull().default(false),
  /** "local" or "s3", and where (no secrets). */
  storage: text("storage").notNull(),
  storeOk: boolean("store_ok"),
  storeError: text("store_error"),
  storeLatencyMs: integer("store_latency_ms"),
  startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
  heartbeatAt: timestamp("heartbeat_at", { withTimezone: true }).notNull().defaultNow(),
  /** Set when the node stopped cleanly; null while it runs (or after it died). */
  stoppedAt: timestamp("stopped_at", { withTimezone: true }),
});
export type ClusterNode = typeof clusterNodes.$inferSelect;

/** Key/value system parameters; values are validated by lib/settings. */
export const systemParameters = pgTable("system_parameters", {
  key: text("key").primaryKey(),
  value: jsonb("value").notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  updatedBy: uuid("updated_by").references(() => users.id),
});
export type SystemParameter = typeof systemParameters.$inferSelect;

/** Tokens the session proxies use for the ingestion API; only a hash of the secret is kept. */
export const apiTokens = pgTable(
  "api_tokens",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull(),
    prefix: text("prefix").notNull(),
    secretHash: text("secret_hash").notNull(),
    createdBy: uuid("created_by").references(() => users.id),
    createdAt: createdAt(),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (t) => [uniqueIndex("api_tokens_prefix_key").on(t.prefix)],
);
export type ApiToken = typeof apiTokens.$inferSelect;
export type NewApiToken = typeof apiTokens.$inferInsert;

/**
 * The audit trail. Append-only: the application's database role may only
 * INSERT and SELECT (lib/db/roles.ts), and a trigger refuses UPDATE, DELETE
 * and TRUNCATE to everyone else. Tamper-evident: a trigger chains every new
 * row to the one before it (`hash` = SHA-256 of the previous row's hash and
 * this row's fields, in `chainSeq` order), so a row changed or removed behind
 * the triggers' back breaks the chain (lib/audit/chain.ts verifies it).
 */
export const auditLog = pgTable(
  "audit_log",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
    actorId: uuid("actor_id").references(() => users.id),
    actorEmail: text("actor_email"),
    action: text("action").notNull(),
    targetType: text("target_type"),
    targetId: text("target_id"),
    ip: text("ip"),
    details: jsonb("details"),
    // Set by the audit_log_chain trigger whatever the insert says; the defaults are never stored.
    /** Position in the hash chain: 1, 2, 3… in the order the rows were committed. */
    chainSeq: bigint("chain_seq", { mode: "number" }).notNull().default(0),
    prevHash: text("prev_hash").notNull().default(""),
    hash: text("hash").notNull().default(""),
  },
  (t) => [
    index("audit_log_at_idx").on(t.at.desc(), t.id.desc()),
    index("audit_log_action_at_idx").on(t.action, t.at.desc()),
    index("audit_log_actor_at_idx").on(t.actorId, t.at.desc()),
    index("audit_log_target_idx").on(t.targetType, t.targetId),
    uniqueIndex("audit_log_chain_seq_key").on(t.chainSeq),
  ],
);
export type AuditLogEntry = typeof auditLog.$inferSelect;

/**
 * What a viewer fetched of a session's media, per hour: one `session.streamed`
 * audit entry is written when the first byte of the hour is served (whatever
 * fetched it: the player, ffmpeg, curl), and this row counts the bytes and
 * requests served since (lib/audit/streams.ts), so the trail holds one entry
 * per viewer, session and hour instead of one per segment.
 */
export const playbackStreams = pgTable(
  "playback_streams",
  {
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id),
    sessionId: bigint("session_id", { mode: "number" })
      .notNull()
      .references(() => remoteSessions.id),
    /** The hour (UTC) the bytes were served in. */
    hour: timestamp("hour", { withTimezone: true }).notNull(),
    /** The audit entry of this hour's first request. */
    auditId: bigint("audit_id", { mode: "number" }).references(() => auditLog.id),
    bytes: bigint("bytes", { mode: "number" }).notNull().default(0),
    requests: integer("requests").notNull().default(0),
    firstAt: timestamp("first_at", { withTimezone: true }).notNull().defaultNow(),
    lastAt: timestamp("last_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.sessionId, t.hour] }), uniqueIndex("playback_streams_audit_key").on(t.auditId)],
);
export type PlaybackStream = typeof playbackStreams.$inferSelect;

/**
 * playback_streams for an assessor of a sharing link (who has no account):
 * what one confirmed browser was served of the link's session, per hour,
 * behind its `session.streamed` audit entry.
 */
export const shareStreams = pgTable(
  "share_streams",
  {
    shareSessionId: uuid("share_session_id")
      .notNull()
      .references(() => shareSessions.id),
    sessionId: bigint("session_id", { mode: "number" })
      .notNull()
      .references(() => remoteSessions.id),
    hour: timestamp("hour", { withTimezone: true }).notNull(),
    auditId: bigint("audit_id", { mode: "number" }).references(() => auditLog.id),
    bytes: bigint("bytes", { mode: "number" }).notNull().default(0),
    requests: integer("requests").notNull().default(0),
    firstAt: timestamp("first_at", { withTimezone: true }).notNull().defaultNow(),
    lastAt: timestamp("last_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.shareSessionId, t.sessionId, t.hour] }), uniqueIndex("share_streams_audit_key").on(t.auditId)],
);

/**
 * The head of the audit trail's hash chain: one row, moved by the chain's
 * trigger (which runs as the owner; the application may only read it). Its
 * row lock orders concurrent inserts, and it tells a verification where the
 * chain must end, so rows cut off its end are found too.
 */
export const auditChain = pgTable(
  "audit_chain",
  {
    id: integer("id").primaryKey(),
    seq: bigint("seq", { mode: "number" }).notNull(),
    hash: text("hash").notNull(),
  },
  (t) => [check("audit_chain_one_row", sql`${t.id} = 1`)],
);
export type NewAuditLogEntry = typeof auditLog.$inferInsert;

// ─── Retention ───────────────────────────────────────────────────────────────

/**
 * A legal hold on a session: while it is not released, its recording is
 * never deleted, whatever the policy. Placing and releasing are audited.
 */
export const legalHolds = pgTable(
  "legal_holds",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    sessionId: bigint("session_id", { mode: "number" })
      .notNull()
      .references(() => remoteSessions.id),
    reason: text("reason").notNull(),
    caseReference: text("case_reference"),
    placedBy: uuid("placed_by")
      .notNull()
      .references(() => users.id),
    placedAt: timestamp("placed_at", { withTimezone: true }).notNull().defaultNow(),
    releasedBy: uuid("released_by").references(() => users.id),
    releasedAt: timestamp("released_at", { withTimezone: true }),
    releaseReason: text("release_reason"),
  },
  (t) => [
    // One hold in force per session: placing another on a held session changes nothing.
    uniqueIndex("legal_holds_active_key")
      .on(t.sessionId)
      .where(sql`${t.releasedAt} is null`),
    index("legal_holds_session_idx").on(t.sessionId, t.placedAt.desc()),
    check("legal_holds_release_check", sql`(${t.releasedAt} is null) = (${t.releasedBy} is null)`),
  ],
);
export type LegalHold = typeof legalHolds.$inferSelect;

export const deletionRequestStatusEnum = pgEnum("deletion_request_status", DELETION_REQUEST_STATUSES);

/**
 * An early deletion asked for by one admin, waiting for a second one
 * (two-person rule): the database refuses the same admin on both sides.
 */
export const deletionRequests = pgTable(
  "deletion_requests",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    sessionId: bigint("session_id", { mode: "number" })
      .notNull()
      .references(() => remoteSessions.id),
    reason: text("reason").notNull(),
    requestedBy: uuid("requested_by")
      .notNull()
      .references(() => users.id),
    requestedAt: timestamp("requested_at", { withTimezone: true }).notNull().defaultNow(),
    status: deletionRequestStatusEnum("status").notNull().default("pending"),
    decidedBy: uuid("decided_by").references(() => users.id),
    decidedAt: timestamp("decided_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("deletion_requests_pending_key")
      .on(t.sessionId)
      .where(sql`${t.status} = 'pending'`),
    // A cancellation may be the requester's own; a confirmation never.
    check("deletion_requests_two_people", sql`${t.status} <> 'confirmed' or ${t.decidedBy} <> ${t.requestedBy}`),
  ],
);
export type DeletionRequest = typeof deletionRequests.$inferSelect;
