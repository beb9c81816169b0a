/**
 * The background jobs: the queue (pg-boss, in the product's PostgreSQL) and
 * every job's contract. Import a contract to queue its job; its handler lives
 * with its capability (lib/<capability>/jobs/) and lib/worker/ runs them.
 */
import { analyzeSessionJob } from "./analyze-session";
import { assembleRecordingJob } from "./assemble-recording";
import { cleanupExportsJob } from "./cleanup-exports";
import { convertVideoJob } from "./convert-video";
import { expireRecordingsJob } from "./expire-recordings";
import type { Job } from "./define-job";
import { makeThumbnailsJob } from "./make-thumbnails";
import { preparePlaybackJob } from "./prepare-playback";
import { probeRecordingJob } from "./probe-recording";
import { reanalyzeAllJob } from "./reanalyze-all";
import { resumeExportsJob } from "./resume-exports";
import { sendExportEmailJob } from "./send-export-email";
import { sweepUnfinishedWritesJob } from "./sweep-unfinished-writes";
import { verifyRecordingsJob } from "./verify-recordings";

/** Every job contract; a test checks that the worker has exactly one handler for each. */
export const JOBS: readonly Job[] = [
  assembleRecordingJob,
  probeRecordingJob,
  verifyRecordingsJob,
  preparePlaybackJob,
  makeThumbnailsJob,
  analyzeSessionJob,
  reanalyzeAllJob,
  convertVideoJob,
  resumeExportsJob,
  sendExportEmailJob,
  cleanupExportsJob,
  sweepUnfinishedWritesJob,
  expireRecordingsJob,
] as unknown as readonly Job[];
