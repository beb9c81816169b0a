import { rm } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probeMedia } from "@/lib/media/probe";
import { frameRateOf } from "@/lib/player/frame-rate";
import { getVideoRates } from "@/lib/player/queries";
import { closeDb, useFreshDatabase } from "../support/db";
import { insertSessionWithRecording, makeMedia } from "../support/player-media";

let media: string;
beforeAll(async () => {
  await useFreshDatabase();
  media = await makeMedia({ seconds: 2, kind: "vp9", fps: 12 });
});
afterAll(async () => {
  await closeDb();
  await rm(path.dirname(media), { recursive: true, force: true });
});

describe("the recording's frame rate for the player's frame step", () => {
  it("comes from the video stream of the probe stored at ingestion", async () => {
    const { probe } = await probeMedia(media);
    const { recording } = await insertSessionWithRecording({ probe });
    const rates = await getVideoRates({ recordingId: recording.id });
    expect(rates).not.toBeNull();
    expect(frameRateOf(rates)).toBe(12);
  });

  it("falls back to 30 fps when the probe has not run or found no video", async () => {
    const unprobed = await insertSessionWithRecording({});
    expect(await getVideoRates({ recordingId: unprobed.recording.id })).toBeNull();
    const audioOnly = await insertSessionWithRecording({ probe: { streams: [{ index: 0, codec_type: "audio", r_frame_rate: "0/0" }] } });
    expect(frameRateOf(await getVideoRates({ recordingId: audioOnly.recording.id }))).toBe(30);
  });
});
