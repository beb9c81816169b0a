import type { JobHandler } from "@/lib/jobs/define-job";
import { analyzeSessionHandler } from "@/lib/analysis/jobs/analyze-session";
import { reanalyzeAllHandler } from "@/lib/analysis/jobs/reanalyze-all";
import { cleanupExportsHandler } from "@/lib/exports/jobs/cleanup-exports";
import { convertVideoHandler } from "@/lib/exports/jobs/convert-video";
import { resumeExportsHandler } from "@/lib/exports/jobs/resume-exports";
import { sendExportEmailHandler } from "@/lib/exports/jobs/send-export-email";
import { makeThumbnailsHandler } from "@/lib/hls/jobs/make-thumbnails";
import { preparePlaybackHandler } from "@/lib/hls/jobs/prepare-playback";
import { assembleRecordingHandler } from "@/lib/ingest/jobs/assemble-recording";
import { probeRecordingHandler } from "@/lib/recordings/jobs/probe-recording";
import { sweepUnfinishedWritesHandler } from "@/lib/recordings/jobs/sweep-unfinished-writes";
import { verifyRecordingsHandler } from "@/lib/recordings/jobs/verify-recordings";
import { expireRecordingsHandler } from "@/lib/retention/jobs/expire-recordings";

/** Every job handler: the one place that imports them all. Add a handler here when you add a job contract. */
export const HANDLERS: readonly JobHandler[] = [
  // Each handler narrows its payload type; the worker validates payloads with the job's own schema first.
  assembleRecordingHandler,
  probeRecordingHandler,
  verifyRecordingsHandler,
  preparePlaybackHandler,
  makeThumbnailsHandler,
  analyzeSessionHandler,
  reanalyzeAllHandler,
  convertVideoHandler,
  resumeExportsHandler,
  sendExportEmailHandler,
  cleanupExportsHandler,
  sweepUnfinishedWritesHandler,
  expireRecordingsHandler,
] as unknown as readonly JobHandler[];
