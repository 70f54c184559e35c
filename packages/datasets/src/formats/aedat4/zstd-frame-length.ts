/**
 * The byte length of the Zstandard frames at the start of `bytes` (one frame, or several back to
 * back up to `bytes.length`), walking their headers and block headers as laid out in RFC 8878
 * section 3.1: the magic 0xFD2FB528, a frame-header descriptor (content-size flag, single-segment
 * flag, checksum flag, dictionary-id flag), optional window descriptor, dictionary id and content
 * size, then blocks with a 3-byte header (last-block bit, 2-bit type, 21-bit size; an RLE block
 * holds one byte) and a 4-byte checksum when flagged. Skippable frames (magic 0x184D2A5?) are
 * walked too. Returns undefined when a frame does not end within `bytes` or a magic is wrong.
 *
 * AEDAT4 files store their data table as one compressed frame running to the end of the file, so
 * this is how a Zstd file cut after its last packet is noticed.
 *
 * @example
 * ```ts
 * zstdFrameLength(frame); // frame.length for a whole frame, undefined for a cut one
 * ```
 */
export function zstdFrameLength(bytes: Uint8Array): number | undefined {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
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
    at += 5 + (singleSegment ? 0 : 1) + [0, 1, 2, 4][dictFlag]! + fcsBytes;
    for (;;) {
      if (at + 3 > bytes.length) return undefined;
      const bh = bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16);
      const last = bh & 1;
      const type = (bh >> 1) & 3;
      const size = bh >>> 3;
      if (type === 3) return undefined; // reserved block type
      at += 3 + (type === 1 ? 1 : size);
      if (last) break;
    }
    at += checksum ? 4 : 0;
    if (at > bytes.length) return undefined;
  } while (at < bytes.length);
  return at <= bytes.length ? at : undefined;
}
