/** What the headers of the Zstandard frames in a buffer say, before anything is decompressed. */
export interface ZstdFrameBound {
  /** Bytes of the frames (one, or several back to back). */
  readonly length: number;
  /**
   * The most bytes they can decompress to: per frame, its content size when recorded, else the sum
   * over its blocks of the stored size (raw), the repeat count (RLE) or the 128 KiB block maximum
   * (compressed).
   */
  readonly maxContentBytes: number;
}

/** RFC 8878 section 3.1.1.2.4: no block regenerates more than 128 KiB. */
const BLOCK_MAX = 128 << 10;

/**
 * Walk the Zstandard frames at the start of `bytes` (one frame, or several back to back up to
 * `bytes.length`), following their headers and block headers as laid out in RFC 8878 section
 * 3.1: the magic 0xFD2FB528, a frame-header descriptor (content-size flag, single-segment flag,
 * checksum flag, dictionary-id flag), optional window descriptor, dictionary id and content size,
 * then blocks with a 3-byte header (last-block bit, 2-bit type, 21-bit size; an RLE block holds
 * one byte) and a 4-byte checksum when flagged. Skippable frames (magic 0x184D2A5?) are walked
 * too. Returns undefined when a frame does not end within `bytes` or a magic is wrong.
 *
 * @example
 * ```ts
 * zstdFrameBound(frame)?.maxContentBytes; // an upper bound of its decompressed size
 * ```
 */
export function zstdFrameBound(bytes: Uint8Array): ZstdFrameBound | undefined {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  let total = 0;
  do {
    if (at + 4 > bytes.length) return undefined;
    const magic = v.getUint32(at, true);
    if ((magic & 0xfffffff0) === 0x184d2a50) {
      if (at + 8 > bytes.length) return undefined;
      at += 8 + v.getUint32(at + 4, true);
      continue;
    }
    if (magic !== 0xfd2fb528 || at + 5 > bytes.length) return undefined;
    const fhd = bytes[at + 4]!;
    const fcsFlag = fhd >> 6;
    const singleSegment = (fhd >> 5) & 1;
    const checksum = (fhd >> 2) & 1;
    const dictFlag = fhd & 3;
    const fcsBytes = [singleSegment ? 1 : 0, 2, 4, 8][fcsFlag]!;
    at += 5 + (singleSegment ? 0 : 1) + [0, 1, 2, 4][dictFlag]!;
    if (at + fcsBytes > bytes.length) return undefined;
    let contentSize: number | undefined;
    if (fcsBytes === 1) contentSize = bytes[at]!;
    else if (fcsBytes === 2) contentSize = v.getUint16(at, true) + 256;
    else if (fcsBytes === 4) contentSize = v.getUint32(at, true);
    else if (fcsBytes === 8) contentSize = Number(v.getBigUint64(at, true));
    at += fcsBytes;
    let max = 0;
    for (;;) {
      if (at + 3 > bytes.length) return undefined;
      const bh = bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16);
      const last = bh & 1;
      const type = (bh >> 1) & 3;
      const size = bh >>> 3;
      if (type === 3) return undefined; // reserved block type
      max += type === 2 ? BLOCK_MAX : size;
      at += 3 + (type === 1 ? 1 : size);
      if (last) break;
    }
    at += checksum ? 4 : 0;
    if (at > bytes.length) return undefined;
    total += contentSize ?? max;
  } while (at < bytes.length);
  return at <= bytes.length ? { length: at, maxContentBytes: total } : undefined;
}
