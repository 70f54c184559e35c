import { open } from 'node:fs/promises';

/** Default bytes per disk read. */
export const DEFAULT_CHUNK_BYTES = 1 << 20;

/**
 * Stream a file's bytes from `start` in chunks of at most `chunkBytes` (a fresh buffer each, so
 * callers may keep them).
 */
export async function* fileChunks(file: string, start = 0, chunkBytes = DEFAULT_CHUNK_BYTES, end = Infinity): AsyncGenerator<Uint8Array> {
  const fh = await open(file, 'r');
  try {
    let pos = start;
    while (pos < end) {
      const want = Math.min(chunkBytes, end - pos);
      const buf = new Uint8Array(want);
      const { bytesRead } = await fh.read(buf, 0, want, pos);
      if (bytesRead === 0) return;
      pos += bytesRead;
      yield bytesRead === want ? buf : buf.subarray(0, bytesRead);
    }
  } finally {
    await fh.close();
  }
}

/**
 * Stream fixed-size records: yields views holding a whole number of `recordBytes` records, and
 * returns the count of bytes left over at the end of the file (a torn final record).
 */
export async function* recordChunks(file: string, start: number, recordBytes: number, chunkBytes = DEFAULT_CHUNK_BYTES): AsyncGenerator<Uint8Array, number> {
  let carry = new Uint8Array(0);
  for await (const chunk of fileChunks(file, start, Math.max(chunkBytes, recordBytes))) {
    let data = chunk;
    if (carry.length > 0) {
      data = new Uint8Array(carry.length + chunk.length);
      data.set(carry, 0);
      data.set(chunk, carry.length);
    }
    const whole = data.length - (data.length % recordBytes);
    if (whole > 0) yield data.subarray(0, whole);
    carry = data.slice(whole);
  }
  return carry.length;
}
