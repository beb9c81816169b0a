/**
 * The demo of a first start: once the server answers, every demo session goes
 * through the ingestion API (send.ts), then this waits until the background
 * work on all of them is done and says how long the whole took.
 */
import { waitForDemo } from "./progress";
import { sendDemo, waitForServer } from "./send";

export async function loadDemo({ baseUrl, startedAt = Date.now() }: { baseUrl: string; startedAt?: number }): Promise<void> {
  await waitForServer(baseUrl);
  const { sessions } = await sendDemo({ baseUrl });
  let lastLog = 0;
  const progress = await waitForDemo(sessions, {
    onProgress: (p) => {
      if (Date.now() - lastLog < 10_000 && p.done < sessions.length) return;
      lastLog = Date.now();
      console.log(`[demo] background work done for ${p.done} of ${sessions.length} sessions (${p.playable} recordings playable)`);
    },
  });
  const seconds = ((Date.now() - startedAt) / 1000).toFixed(0);
  if (progress.done < sessions.length) {
    console.warn(`[demo] ${sessions.length - progress.done} demo sessions still have background work waiting after ${seconds} s`);
  } else {
    console.log(`[demo] complete ${seconds} s after the start: ${progress.sessions} sessions, ${progress.playable} recordings playable`);
  }
}
