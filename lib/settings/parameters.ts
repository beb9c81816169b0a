import { z } from "zod";
import { EXPORT_FORMATS } from "@/lib/domain/recordings";

/**
 * The system parameters, each with its schema, default and label. The
 * Remote session page renders them from this list; stored values that no
 * longer parse fall back to the default.
 */
export const PARAMETERS = {
  "remote_session.video_download_enabled": {
    group: "Remote session",
    label: "Enable session video download",
    help: "Lets auditors generate a video of a session for download. Off by default.",
    schema: z.boolean(),
    default: false,
  },
  "remote_session.download_format": {
    group: "Remote session",
    label: "Download format",
    help: "MP4 (H.264/AAC with fast start) plays everywhere; WebM (VP9/Opus) is an open format.",
    schema: z.enum(EXPORT_FORMATS),
    default: "mp4",
  },
  "remote_session.download_retention_days": {
    group: "Remote session",
    label: "Keep generated videos (days)",
    help: "Finished videos for download are deleted this many days after they are generated.",
    schema: z.number().int().min(1).max(365),
    default: 7,
  },
  "remote_session.download_watermark": {
    group: "Remote session",
    label: "Watermark videos for download",
    help: "Burns who requested the video, when, and the session ID into the picture.",
    schema: z.boolean(),
    default: false,
  },
  "remote_session.auditors_control_live": {
    group: "Remote session",
    label: "Auditors may control live sessions",
    help: "Lets auditors terminate a session being recorded, lock and unlock its input and send its user a message. Administrators always may. Off by default.",
    schema: z.boolean(),
    default: false,
  },
  "remote_session.require_justification": {
    group: "Remote session",
    label: "Require a justification to view session videos",
    help: "Before playing or downloading a session's video, each viewer gives a reason (and an optional ticket number); their access to that session then lasts the access window. Off by default.",
    schema: z.boolean(),
    default: false,
  },
  "remote_session.require_approval": {
    group: "Remote session",
    label: "Require approval",
    help: "With a justification required, each request waits for an administrator to approve or deny it (administrators are emailed); the access window starts at the approval. Off by default.",
    schema: z.boolean(),
    default: false,
  },
  "remote_session.access_window_minutes": {
    group: "Remote session",
    label: "Access window (minutes)",
    help: "How long a justified (or approved) access to one session lasts for the viewer who asked.",
    schema: z
      .number()
      .int()
      .min(5)
      .max(7 * 24 * 60),
    default: 60,
  },
  "remote_session.auditors_may_share": {
    group: "Remote session",
    label: "Auditors may share sessions with assessors",
    help: "Lets auditors, not only administrators, send a link that shows one session to an assessor without an account. Off by default.",
    schema: z.boolean(),
    default: false,
  },
  "security.idle_timeout_minutes": {
    group: "Security",
    label: "Sign out after inactivity (minutes)",
    help: "A signed-in browser that sends no request for this long is signed out (watching a recording counts as activity).",
    schema: z
      .number()
      .int()
      .min(1)
      .max(24 * 60),
    default: 30,
  },
} as const;

export type ParameterKey = keyof typeof PARAMETERS;
export type ParameterValue<K extends ParameterKey> = z.infer<(typeof PARAMETERS)[K]["schema"]>;
export const PARAMETER_KEYS = Object.keys(PARAMETERS) as ParameterKey[];

export function parseParameter<K extends ParameterKey>(key: K, raw: unknown): ParameterValue<K> {
  const def = PARAMETERS[key];
  const parsed = def.schema.safeParse(raw);
  return (parsed.success ? parsed.data : def.default) as ParameterValue<K>;
}
