import type { JobDefinition } from "./define-job";
import type { z } from "zod";
import { analyzeSessionJob } from "./analyze-session";
import { assembleRecordingJob } from "./assemble-recording";
import { cleanupExports } from "./cleanup-exports";
import { convertVideo } from "./convert-video";
import { preparePlaybackJob } from "./prepare-playback";
import { probeRecording } from "./probe-recording";
import { reanalyzeAllJob } from "./reanalyze-all";
import { sendExportEmail } from "./send-export-email";
import { verifyRecordings } from "./verify-recordings";

/** Every background job the worker runs. Add a job here when you add its file. */
export const JOBS: JobDefinition<z.ZodType>[] = [
  // Each job narrows the payload type; the worker validates payloads with the job's own schema.
  ...([convertVideo, sendExportEmail, cleanupExports, preparePlaybackJob, analyzeSessionJob, reanalyzeAllJob, probeRecording, verifyRecordings, assembleRecordingJob] as unknown as JobDefinition<z.ZodType>[]),
];
