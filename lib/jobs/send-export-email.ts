import { z } from "zod";
import { defineJob } from "./define-job";

/** The "your video is ready" email, to the requester (`userId` absent) or to one of the others who asked for the same video. */
export const sendExportEmailJob = defineJob({
  name: "send-export-email",
  schema: z.object({ exportId: z.uuid(), userId: z.uuid().optional() }),
  queue: { retryLimit: 6, retryDelay: 10, retryBackoff: true, expireInSeconds: 5 * 60 },
  concurrency: 2,
  singletonKey: ({ exportId, userId }) => (userId ? `export-email-${exportId}-${userId}` : `export-email-${exportId}`),
});
