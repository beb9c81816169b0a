/**
 * Typed text survives into the subtitle track of a video for download, in
 * both formats: `<`, `>` and `&` are text to the keystroke log, never markup.
 * The track is read back with ffmpeg, whose WebVTT reader unescapes entities
 * as players do; MP4's mov_text is plain text.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { planConversion } from "@/lib/exports/plan";
import { buildCues, toWebVtt } from "@/lib/exports/subtitles";
import { ffmpegPath } from "@/lib/media/binaries";
import { makeMedia } from "../support/player-media";

const TYPED = "cat < /etc/shadow > /tmp/x && echo a&b <b>bold</b> -->";

let dir: string;
let media: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "sv-subtitles-"));
  media = await makeMedia({ seconds: 3, kind: "h264" });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const keys = (text: string) => [...text].map((key, i) => ({ tMs: 100 + i * 10, type: "key", data: { key } }));

async function subtitleTrack(file: string): Promise<string> {
  // Decoded by ffmpeg's own readers (WebVTT unescaped, mov_text as stored), written as plain SubRip text.
  const { stdout } = await execa(ffmpegPath(), ["-hide_banner", "-loglevel", "error", "-i", file, "-map", "0:s:0", "-f", "srt", "-"]);
  return stdout.replace(/<\/?font[^>]*>/g, "");
}

describe("the keystroke log as subtitles", () => {
  it("escapes the cue text for WebVTT", () => {
    const vtt = toWebVtt(buildCues(keys(TYPED)));
    expect(vtt).toContain("cat &lt; /etc/shadow &gt; /tmp/x &amp;&amp; echo a&amp;b &lt;b&gt;bold&lt;/b&gt; --&gt;");
    expect(vtt).not.toMatch(/[^-]-->[^ ]/);
  });

  it.each(["mp4", "webm"] as const)(
    "keeps every typed character in the %s video's subtitle track",
    async (format) => {
      const subtitles = path.join(dir, `log-${format}.vtt`);
      await writeFile(subtitles, toWebVtt(buildCues(keys(TYPED))));
      const output = path.join(dir, `video.${format}`);
      const plan = planConversion({
        source: media,
        output,
        format,
        facts: { videoCodec: "h264", audioCodec: null, hasAudio: false, height: 360 },
        subtitles,
        watermarkFile: null,
        fontFile: null,
        title: "Session test",
      });
      await execa(ffmpegPath(), plan.args, { timeout: 120_000 });
      const track = await subtitleTrack(output);
      expect(track).toContain(TYPED);
    },
    120_000,
  );
});
