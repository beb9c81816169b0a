import { defineMediaRoute, generationParams, mediaNotFound } from "@/lib/hls/http";
import { rangeResponse } from "@/lib/http/range";
import { getStorage } from "@/lib/storage";

export const dynamic = "force-dynamic";

const serve = defineMediaRoute({
  name: "hls media",
  params: generationParams,
  handler: async ({ request, params, recording, playable }) => {
    // A URL of a replaced file (re-encoded since) must not serve the new file's bytes.
    if (!playable || !recording.playableKey || playable.generation !== params.generation) throw mediaNotFound();
    const key = recording.playableKey;
    const storage = getStorage();
    try {
      return await rangeResponse({
        request,
        size: playable.size,
        contentType: "video/mp4",
        // The bytes under a generation never change; private because every request is access-checked.
        cacheControl: "private, max-age=31536000, immutable",
        etag: `"${playable.generation}"`,
        open: (range) => storage.read(key, range),
        readRange: (range) => storage.readRange(key, range),
      });
    } catch (error) {
      // Replaced by a re-encode between the access check and the read: that generation is gone.
      if ((error as NodeJS.ErrnoException).code === "ENOENT") throw mediaNotFound();
      throw error;
    }
  },
});

// GET /api/sessions/[hash]/hls/v/[generation]/media.mp4 - the init and media segments, by byte range
export const GET = serve;

// HEAD /api/sessions/[hash]/hls/v/[generation]/media.mp4 - size and range support, no body
export const HEAD = serve;
