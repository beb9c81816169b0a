/**
 * Reads the box structure of a fragmented MP4 (ISO/IEC 14496-12): where the
 * initialization part (ftyp + moov) ends, and for every fragment (moof + mdat)
 * its byte range, start time, duration and whether it starts with a keyframe.
 * Only box headers and the small moof/moov boxes are read, never the media, so
 * parsing a 10-hour file reads a few megabytes.
 */

/** Random access to bytes: a file, or several chunk files seen as one. */
export type ByteSource = {
  size: number;
  read: (offset: number, length: number) => Promise<Buffer>;
};

export type Fragment = {
  offset: number;
  /** moof + mdat (and anything between them up to the next moof). */
  length: number;
  /** Seconds, from the reference track's decode time. */
  start: number;
  duration: number;
  keyframe: boolean;
};

export type Fmp4Layout = {
  /** ftyp + moov: bytes [0, initLength). */
  initLength: number;
  fragments: Fragment[];
  hasVideo: boolean;
  hasAudio: boolean;
  /** Bytes up to the end of the last complete fragment (less than size while a file grows). */
  completeUpTo: number;
};

type Track = { id: number; timescale: number; kind: "video" | "audio" | "other"; defaultDuration: number; defaultFlags: number };

type Box = { type: string; start: number; headerSize: number; size: number };

function boxesIn(buf: Buffer, from = 0, to = buf.length): Box[] {
  const out: Box[] = [];
  let pos = from;
  while (pos + 8 <= to) {
    let size = buf.readUInt32BE(pos);
    const type = buf.toString("latin1", pos + 4, pos + 8);
    let headerSize = 8;
    if (size === 1) {
      size = Number(buf.readBigUInt64BE(pos + 8));
      headerSize = 16;
    } else if (size === 0) {
      size = to - pos;
    }
    if (size < headerSize || pos + size > to) break;
    out.push({ type, start: pos, headerSize, size });
    pos += size;
  }
  return out;
}

function child(buf: Buffer, box: Box, type: string, skip = 0): Box | undefined {
  return boxesIn(buf, box.start + box.headerSize + skip, box.start + box.size).find((b) => b.type === type);
}

function children(buf: Buffer, box: Box, type: string): Box[] {
  return boxesIn(buf, box.start + box.headerSize, box.start + box.size).filter((b) => b.type === type);
}

function parseMoov(buf: Buffer): Map<number, Track> {
  const tracks = new Map<number, Track>();
  const moov = boxesIn(buf).find((b) => b.type === "moov");
  if (!moov) return tracks;
  for (const trak of children(buf, moov, "trak")) {
    const tkhd = child(buf, trak, "tkhd");
    const mdia = child(buf, trak, "mdia");
    if (!tkhd || !mdia) continue;
    const tkhdBody = tkhd.start + tkhd.headerSize;
    const id = buf.readUInt32BE(tkhdBody + (buf[tkhdBody] === 1 ? 20 : 12));
    const mdhd = child(buf, mdia, "mdhd");
    const hdlr = child(buf, mdia, "hdlr");
    if (!mdhd) continue;
    const mdhdBody = mdhd.start + mdhd.headerSize;
    const timescale = buf.readUInt32BE(mdhdBody + (buf[mdhdBody] === 1 ? 20 : 12));
    const handler = hdlr ? buf.toString("latin1", hdlr.start + hdlr.headerSize + 8, hdlr.start + hdlr.headerSize + 12) : "";
    tracks.set(id, {
      id,
      timescale,
      kind: handler === "vide" ? "video" : handler === "soun" ? "audio" : "other",
      defaultDuration: 0,
      defaultFlags: 0,
    });
  }
  const mvex = child(buf, moov, "mvex");
  if (mvex) {
    for (const trex of children(buf, mvex, "trex")) {
      const body = trex.start + trex.headerSize;
      const track = tracks.get(buf.readUInt32BE(body + 4));
      if (!track) continue;
      track.defaultDuration = buf.readUInt32BE(body + 12);
      track.defaultFlags = buf.readUInt32BE(body + 20);
    }
  }
  return tracks;
}

/** Start, duration and keyframe flag of one track's run in a moof. */
function parseTraf(buf: Buffer, traf: Box, tracks: Map<number, Track>) {
  const tfhd = child(buf, traf, "tfhd");
  if (!tfhd) return null;
  const body = tfhd.start + tfhd.headerSize;
  const flags = buf.readUInt32BE(body) & 0xffffff;
  const track = tracks.get(buf.readUInt32BE(body + 4));
  if (!track) return null;
  let p = body + 8;
  if (flags & 0x1) p += 8; // base_data_offset
  if (flags & 0x2) p += 4; // sample_description_index
  let defaultDuration = track.defaultDuration;
  let defaultFlags = track.defaultFlags;
  if (flags & 0x8) {
    defaultDuration = buf.readUInt32BE(p);
    p += 4;
  }
  if (flags & 0x10) p += 4; // default_sample_size
  if (flags & 0x20) defaultFlags = buf.readUInt32BE(p);

  let baseTime = 0;
  const tfdt = child(buf, traf, "tfdt");
  if (tfdt) {
    const b = tfdt.start + tfdt.headerSize;
    baseTime = buf[b] === 1 ? Number(buf.readBigUInt64BE(b + 4)) : buf.readUInt32BE(b + 4);
  }
  let duration = 0;
  let firstFlags: number | null = null;
  for (const trun of children(buf, traf, "trun")) {
    const tb = trun.start + trun.headerSize;
    const tflags = buf.readUInt32BE(tb) & 0xffffff;
    const count = buf.readUInt32BE(tb + 4);
    let q = tb + 8;
    if (tflags & 0x1) q += 4; // data_offset
    let firstSampleFlags: number | null = null;
    if (tflags & 0x4) {
      firstSampleFlags = buf.readUInt32BE(q);
      q += 4;
    }
    const perSample = (tflags & 0x100 ? 4 : 0) + (tflags & 0x200 ? 4 : 0) + (tflags & 0x400 ? 4 : 0) + (tflags & 0x800 ? 4 : 0);
    for (let i = 0; i < count; i++) {
      let s = q + i * perSample;
      if (tflags & 0x100) {
        duration += buf.readUInt32BE(s);
        s += 4;
      } else {
        duration += defaultDuration;
      }
      if (tflags & 0x200) s += 4;
      if (i === 0 && firstFlags === null) {
        firstFlags = firstSampleFlags ?? (tflags & 0x400 ? buf.readUInt32BE(s) : defaultFlags);
      }
    }
  }
  // sample_is_non_sync_sample is bit 16 of the sample flags.
  const keyframe = firstFlags === null ? true : (firstFlags & 0x10000) === 0;
  return { track, start: baseTime / track.timescale, duration: duration / track.timescale, keyframe };
}

async function readBoxHeader(src: ByteSource, pos: number): Promise<Box | null> {
  if (pos + 8 > src.size) return null;
  const head = await src.read(pos, Math.min(16, src.size - pos));
  let size = head.readUInt32BE(0);
  const type = head.toString("latin1", 4, 8);
  let headerSize = 8;
  if (size === 1) {
    if (head.length < 16) return null;
    size = Number(head.readBigUInt64BE(8));
    headerSize = 16;
  } else if (size === 0) {
    size = src.size - pos;
  }
  if (size < headerSize) throw new Error(`Malformed MP4: box ${JSON.stringify(type)} at ${pos} has size ${size}`);
  return { type, start: pos, headerSize, size };
}

/**
 * Lays out a fragmented MP4. A file that is still growing (a live recording)
 * is read up to its last complete fragment.
 */
export async function parseFmp4(src: ByteSource): Promise<Fmp4Layout> {
  let pos = 0;
  let initLength = -1;
  let tracks = new Map<number, Track>();
  const fragments: Fragment[] = [];
  let pending: { offset: number; info: ReturnType<typeof summarize> } | null = null;
  let completeUpTo = 0;
  const initBoxes: Buffer[] = [];

  function summarize(moof: Buffer) {
    const box = boxesIn(moof)[0];
    if (!box) return null;
    const runs = children(moof, box, "traf")
      .map((t) => parseTraf(moof, t, tracks))
      .filter((r) => r !== null);
    // Time follows the video track when there is one: segments are cut at its keyframes.
    const ref = runs.find((r) => r.track.kind === "video") ?? runs[0];
    return ref ? { start: ref.start, duration: ref.duration, keyframe: ref.keyframe } : null;
  }

  for (;;) {
    const box = await readBoxHeader(src, pos);
    if (!box || box.start + box.size > src.size) break;
    if (box.type === "moof") {
      if (initLength < 0) {
        initLength = pos;
        tracks = parseMoov(Buffer.concat(initBoxes));
      }
      if (pending?.info) {
        fragments.push({ offset: pending.offset, length: pos - pending.offset, ...pending.info });
      }
      pending = { offset: pos, info: summarize(await src.read(pos, box.size)) };
    } else if (initLength < 0 && (box.type === "ftyp" || box.type === "moov")) {
      initBoxes.push(await src.read(pos, box.size));
    } else if (box.type === "mdat" && pending) {
      completeUpTo = box.start + box.size;
    } else if (box.type === "mfra" || box.type === "sidx" || box.type === "styp") {
      // Index boxes: not part of a fragment's playable bytes.
      if (pending?.info && completeUpTo > pending.offset) {
        fragments.push({ offset: pending.offset, length: completeUpTo - pending.offset, ...pending.info });
      }
      pending = null;
    }
    pos = box.start + box.size;
  }
  if (pending?.info && completeUpTo > pending.offset) {
    fragments.push({ offset: pending.offset, length: completeUpTo - pending.offset, ...pending.info });
  }
  if (initLength < 0) initLength = 0;
  const kinds = [...tracks.values()].map((t) => t.kind);
  return {
    initLength,
    fragments,
    hasVideo: kinds.includes("video"),
    hasAudio: kinds.includes("audio"),
    completeUpTo: fragments.length ? completeUpTo : 0,
  };
}
