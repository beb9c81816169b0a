import { z } from "zod";
import { defineJob } from "./define-job";

/**
 * Makes a ready recording playable in the background (fragmented MP4 and its
 * byte-range playlist, a re-encode when its keyframes are far apart) and
 * measures its activity for the heatmap.
 */
export const preparePlaybackJob = defineJob({
  name: "prepare-playback",
  schema: z.object({ recordingId: z.number().int().positive() }),
  queue: { retryLimit: 3, expireInSeconds: 6 * 60 * 60 },
  singletonKey: ({ recordingId }) => `prepare-playback:${recordingId}`,
});
