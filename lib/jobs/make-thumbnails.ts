import { z } from "zod";
import { defineJob } from "./define-job";

/**
 * Makes (or extends) a recording's timeline thumbnails: after it became
 * playable, and every few seconds while a session is recorded. "stately":
 * one waiting and one running per recording, so a live session's next round
 * can be queued while the current one runs, and a page asking again adds nothing.
 */
export const makeThumbnailsJob = defineJob({
  name: "make-thumbnails",
  schema: z.object({ recordingId: z.number().int().positive() }),
  queue: { policy: "stately", retryLimit: 2, retryDelay: 30, expireInSeconds: 6 * 60 * 60 },
  singletonKey: ({ recordingId }) => `make-thumbnails:${recordingId}`,
});
