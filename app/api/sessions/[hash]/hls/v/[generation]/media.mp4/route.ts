import { authorizePlayback, generationParams, notFound, rangeResponse } from "@/lib/hls/http";
import { getStorage } from "@/lib/storage";

export const dynamic = "force-dynamic";

async function serve(request: Request, params: Promise<{ hash: string; generation: string }>) {
  const auth = await authorizePlayback(await params, generationParams);
  if (!auth.ok) return auth.response;
  const current = auth.playable;
  // A URL of a replaced file (re-encoded since) must not serve the new file's bytes.
  if (!current || !auth.recording.playableKey || current.generation !== auth.params.generation) return notFound();
  const key = auth.recording.playableKey;
  const storage = getStorage();
  try {
    return await rangeResponse({
      request,
      size: current.size,
      contentType: "video/mp4",
      // The bytes under a generation never change; private because every request is access-checked.
      cacheControl: "private, max-age=31536000, immutable",
      etag: `"${current.generation}"`,
      open: (range) => storage.read(key, range),
      readRange: (range) => storage.readRange(key, range),
    });
  } catch (error) {
    // Replaced by a re-encode between the access check and the read: that generation is gone.
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return notFound();
    throw error;
  }
}

// GET /api/sessions/[hash]/hls/v/[generation]/media.mp4 - the init and media segments, by byte range
export async function GET(request: Request, { params }: { params: Promise<{ hash: string; generation: string }> }) {
  return serve(request, params);
}

// HEAD /api/sessions/[hash]/hls/v/[generation]/media.mp4 - size and range support, no body
export async function HEAD(request: Request, { params }: { params: Promise<{ hash: string; generation: string }> }) {
  return serve(request, params);
}
