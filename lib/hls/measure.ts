import "server-only";
import { readActivity } from "@/lib/recordings/activity";
import { getStorage, storageKeys } from "@/lib/storage";
import { measureActivity } from "./activity";
import { getRecordingById } from "@/lib/recordings/queries";
import { getActivity, getStoredPlaylist, saveActivity } from "./queries";

/** Measures and stores a recording's activity (screen changes, audio level) unless it is there already. */
export async function measureRecordingActivity(recordingId: number, durationMs: number, signal?: AbortSignal) {
  if (readActivity(await getActivity({ recordingId }))) return;
  const [recording, playlist] = await Promise.all([getRecordingById({ id: recordingId }), getStoredPlaylist({ recordingId })]);
  const storage = getStorage();
  // The playable file decodes everywhere ffmpeg does; the source may be any container.
  const key = (playlist && recording?.playableKey) || storageKeys.media(recordingId);
  const local = await storage.localPath(key);
  try {
    const activity = await measureActivity({ file: local.path, durationMs, hasAudio: playlist?.hasAudio ?? false, signal });
    await saveActivity({ recordingId, activity });
  } finally {
    await local.release();
  }
}
