import { describe, expect, it } from "vitest";
import type { RecordingFacts } from "@/lib/recordings/queries";
import { hasRecording, recordedBytes } from "@/lib/sessions/report";

/** Only what the rules read; the rest of a recording's facts play no part. */
const recording = (sizeBytes: number) => ({ sizeBytes }) as RecordingFacts;

describe("the report's Size and Video button", () => {
  it("come from the recording: none without one, whatever the session's row counted", () => {
    expect(hasRecording({ recording: null })).toBe(false);
    expect(recordedBytes({ recording: null })).toBeNull();
  });

  it("need stored bytes: a recording announced but still empty has neither", () => {
    expect(hasRecording({ recording: recording(0) })).toBe(false);
    expect(recordedBytes({ recording: recording(0) })).toBeNull();
  });

  it("show the size of what is stored", () => {
    expect(hasRecording({ recording: recording(5 * 1024 * 1024) })).toBe(true);
    expect(recordedBytes({ recording: recording(5 * 1024 * 1024) })).toBe(5 * 1024 * 1024);
  });
});
