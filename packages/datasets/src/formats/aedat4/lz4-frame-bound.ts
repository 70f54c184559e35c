/** What an LZ4 frame's headers say about it, before anything is decompressed. */
export interface Lz4FrameBound {
  /** Bytes of the whole frame. */
  readonly length: number;
  /**
   * The most bytes it can decompress to: the content size when the frame records one, else the
   * sum over its blocks of the stored size (uncompressed blocks) or the frame's block maximum
   * (compressed blocks).
   */
  readonly maxContentBytes: number;
  /** The content size the frame header records, if it does. */
  readonly contentSize?: number;
}

// Block maximum sizes by the BD byte's bits 6..4 (values 4..7); other values are reserved.
const BLOCK_MAX: Readonly<Record<number, number>> = { 4: 64 << 10, 5: 256 << 10, 6: 1 << 20, 7: 4 << 20 };

/**
 * Walk the LZ4 frame at the start of `bytes` as laid out in the LZ4 Frame Format spec
 * (https://github.com/lz4/lz4/blob/dev/doc/lz4_Frame_format.md): magic, FLG, BD, optional
 * content size and dictionary id, header checksum, then blocks of a uint32 size (high bit: stored
 * uncompressed) and optional block checksum, an end mark of zero and an optional content checksum.
 * Returns undefined when the frame does not end within `bytes`, does not start with the LZ4 magic
 * or has a reserved block size.
 *
 * The bound lets a reader refuse a frame that would inflate past a limit (a decompression bomb)
 * without decompressing any of it.
 *
 * @example
 * ```ts
 * const b = lz4FrameBound(packet);
 * if (b && b.maxContentBytes > limit) throw new Error('packet too large');
 * ```
 */
export function lz4FrameBound(bytes: Uint8Array): Lz4FrameBound | undefined {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 7 || v.getUint32(0, true) !== 0x184d2204) return undefined;
  const flg = bytes[4]!;
  const blockMax = BLOCK_MAX[(bytes[5]! >> 4) & 7];
  if (blockMax === undefined) return undefined;
  const contentSize = flg & 0x08 && bytes.length >= 14 ? Number(v.getBigUint64(6, true)) : undefined;
  let at = 6 + (flg & 0x08 ? 8 : 0) + (flg & 0x01 ? 4 : 0) + 1;
  const blockChecksum = flg & 0x10 ? 4 : 0;
  let max = 0;
  for (;;) {
    if (at + 4 > bytes.length) return undefined;
    const size = v.getUint32(at, true);
    at += 4;
    if (size === 0) break;
    const stored = size & 0x7fffffff;
    max += size & 0x80000000 ? stored : blockMax;
    at += stored + blockChecksum;
  }
  at += flg & 0x04 ? 4 : 0;
  if (at > bytes.length) return undefined;
  return { length: at, maxContentBytes: contentSize ?? max, contentSize };
}
