/** Storage keys, built only from database ids. */
const KEY = /^[a-z0-9][a-z0-9/_.-]*$/;

export function assertKey(key: string): string {
  if (!KEY.test(key) || key.includes("..") || key.includes("//") || key.endsWith("/")) {
    throw new Error(`Invalid storage key: ${JSON.stringify(key)}`);
  }
  return key;
}

const id = (n: number | string) => {
  const s = String(n);
  if (!/^[a-z0-9-]+$/.test(s)) throw new Error(`Invalid id for a storage key: ${JSON.stringify(s)}`);
  return s;
};

export const storageKeys = {
  chunk: (recordingId: number, seq: number) => `recordings/${id(recordingId)}/chunks/${String(seq).padStart(8, "0")}`,
  chunksPrefix: (recordingId: number) => `recordings/${id(recordingId)}/chunks/`,
  /** Everything of one recording directly under it (media, playable files, progress); its chunks are under chunksPrefix. */
  recordingPrefix: (recordingId: number) => `recordings/${id(recordingId)}/`,
  /** The whole recording, chunks concatenated in order, after finish. */
  media: (recordingId: number) => `recordings/${id(recordingId)}/media`,
  /**
   * Fragmented MP4 addressed by the HLS playlist with byte ranges, one file per
   * generation: a re-encode writes a new file, so a request that began on the
   * old generation never reads the new one's bytes.
   */
  playable: (recordingId: number, generation: string) => `recordings/${id(recordingId)}/playable-${id(generation)}.mp4`,
  /** How far a running encode got, for the player's "processing" state. */
  playableProgress: (recordingId: number) => `recordings/${id(recordingId)}/playable.progress.json`,
  /**
   * One sprite sheet of timeline thumbnails. The sheet's number and how many thumbnails it
   * holds are in the key: a sheet that grows (a live session) is a new object, so a URL
   * made from the key can be cached for good.
   */
  thumbnailSheet: (recordingId: number, generation: string, sheet: number, count: number) =>
    `recordings/${id(recordingId)}/thumbnails-${id(generation)}/sheet-${id(sheet)}-${id(count)}.jpg`,
  thumbnailsPrefix: (recordingId: number, generation: string) => `recordings/${id(recordingId)}/thumbnails-${id(generation)}/`,
  exportFile: (exportId: string, ext: string) => `exports/${id(exportId)}/video.${id(ext)}`,
};
