import { z } from "zod";
import { defineMediaRoute, generationParam, mediaNotFound } from "@/lib/hls/http";
import { getThumbnails } from "@/lib/hls/queries";
import { sessionHashSchema } from "@/lib/domain/sessions";
import { rangeResponse } from "@/lib/http/range";
import { getStorage, storageKeys } from "@/lib/storage";

export const dynamic = "force-dynamic";

/** `3-50.jpg`: the sheet's number and how many thumbnails it holds (a sheet that grows gets a new URL). */
const params = z.object({ hash: sessionHashSchema, generation: generationParam, sheet: z.string().regex(/^\d{1,6}-\d{1,4}\.jpg$/) });

const serve = defineMediaRoute({
  name: "thumbnail sheet",
  params,
  handler: async ({ request, params, recording }) => {
    const [n, count] = params.sheet.slice(0, -4).split("-").map(Number) as [number, number];
    const stored = await getThumbnails({ recordingId: recording.id });
    // Only a sheet the current index names: an old generation's or a grown sheet's URL is gone.
    if (!stored || stored.generation !== params.generation || stored.sheets[n] !== count) throw mediaNotFound();
    const key = storageKeys.thumbnailSheet(recording.id, stored.generation, n, count);
    const storage = getStorage();
    const object = await storage.stat(key);
    if (!object) throw mediaNotFound();
    try {
      return await rangeResponse({
        request,
        size: object.size,
        contentType: "image/jpeg",
        // A sheet's key names its content; private because every request is access-checked.
        cacheControl: "private, max-age=31536000, immutable",
        etag: `"${stored.generation}-${n}-${count}"`,
        open: (range) => storage.read(key, range),
        readRange: (range) => storage.readRange(key, range),
      });
    } catch (error) {
      // Replaced by a newer run between the check and the read.
      if ((error as NodeJS.ErrnoException).code === "ENOENT") throw mediaNotFound();
      throw error;
    }
  },
});

// GET /api/sessions/[hash]/thumbnails/[generation]/[sheet] - one sprite sheet of timeline thumbnails (JPEG)
export const GET = serve;

// HEAD /api/sessions/[hash]/thumbnails/[generation]/[sheet] - its size, no body
export const HEAD = serve;
