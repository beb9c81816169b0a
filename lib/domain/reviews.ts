/**
 * The words of the review workflow: what an auditor concluded about a session
 * (its verdict), the states of a request to watch a session, and the limits
 * of a link that shares one session with an assessor who has no account.
 * Pure data: the schema, the queries, the pages and the client components
 * take these from here.
 */

import type { Role } from "./roles";

/**
 * Who reviews sessions, writes notes and sees both (with the verdicts in the
 * list and who watched): the people who audit sessions, never the users who
 * performed them.
 */
export const REVIEWER_ROLES = ["admin", "auditor"] as const satisfies readonly Role[];
export const mayReview = (viewer: { role: Role }) => (REVIEWER_ROLES as readonly Role[]).includes(viewer.role);

export const REVIEW_VERDICTS = ["no_issue", "suspicious", "incident"] as const;
export type ReviewVerdict = (typeof REVIEW_VERDICTS)[number];

export const REVIEW_VERDICT_LABELS: Record<ReviewVerdict, string> = {
  no_issue: "No issue",
  suspicious: "Suspicious",
  incident: "Incident",
};

/** The Remote sessions list's "Review" filter: reviewed at least once, or never. */
export const REVIEW_STATES = ["reviewed", "unreviewed"] as const;
export type ReviewState = (typeof REVIEW_STATES)[number];

export const REVIEW_STATE_LABELS: Record<ReviewState, string> = { reviewed: "Reviewed", unreviewed: "Not reviewed" };

/**
 * A request to watch a session: it waits for an administrator (pending) when
 * approval is required, else it is approved as it is made. An approved
 * request opens a window of access; when the window is over it has expired
 * (a fact of its dates, not a status).
 */
export const ACCESS_REQUEST_STATUSES = ["pending", "approved", "denied"] as const;
export type AccessRequestStatus = (typeof ACCESS_REQUEST_STATUSES)[number];

/** What a viewer wants to do with a session's video; downloads of an assessor also need the link to allow them. */
export const ACCESS_PURPOSES = ["play", "download"] as const;
export type AccessPurpose = (typeof ACCESS_PURPOSES)[number];

/** Limits of the text fields of the review workflow. */
export const LIMITS = {
  reason: 1000,
  ticket: 100,
  comment: 2000,
  note: 2000,
} as const;

/** A sharing link lasts at most this many days. */
export const SHARE_MAX_DAYS = 30;

/** The one-time code of a sharing link: its length, how long it is valid, and how many wrong tries end it. */
export const SHARE_CODE = { digits: 6, validMinutes: 10, maxAttempts: 5, maxPerLink: 20 } as const;
