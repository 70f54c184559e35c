/**
 * The byte length of the LZ4 frame at the start of `bytes`, walking its block headers as laid
 * out in the LZ4 Frame Format spec (https://github.com/lz4/lz4/blob/dev/doc/lz4_Frame_format.md):
 * magic, FLG, BD, optional content size and dictionary id, header checksum, then blocks of a
 * uint32 size (high bit: stored uncompressed) and optional block checksum, an end mark of zero
 * and an optional content checksum. Returns undefined when the frame does not end within
 * `bytes` or does not start with the LZ4 magic.
 */
export function lz4FrameLength(bytes: Uint8Array): number | undefined {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 7 || v.getUint32(0, true) !== 0x184d2204) return undefined;
  const flg = bytes[4]!;
  let at = 6 + (flg & 0x08 ? 8 : 0) + (flg & 0x01 ? 4 : 0) + 1;
  const blockChecksum = flg & 0x10 ? 4 : 0;
  for (;;) {
    if (at + 4 > bytes.length) return undefined;
    const size = v.getUint32(at, true);
    at += 4;
    if (size === 0) break;
    at += (size & 0x7fffffff) + blockChecksum;
  }
  at += flg & 0x04 ? 4 : 0;
  return at <= bytes.length ? at : undefined;
}
