import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { SpikeflowError } from '@spikeflow/core';

/**
 * Cached frames are stored as uint16 counts (a count above 65535 in one pixel of one frame is
 * saturated), raw-deflated: event frames are mostly zeros, so this is about ten times smaller
 * than float32 and inflates faster than the disk reads the difference.
 */
export function encodeFrames(data: Float32Array): Uint8Array {
  const u16 = new Uint16Array(data.length);
  for (let i = 0; i < data.length; i++) u16[i] = data[i]! > 65535 ? 65535 : data[i]!;
  // A copy with its own ArrayBuffer, so it can be transferred between threads.
  return new Uint8Array(deflateRawSync(new Uint8Array(u16.buffer), { level: 1 }));
}

/** Inflate a cached sample into `out` (float32 counts) starting at `offset`. */
export function decodeFrames(blob: Uint8Array, out: Float32Array, offset: number, length: number): void {
  const raw = inflateRawSync(blob);
  if (raw.length !== length * 2) throw new SpikeflowError('dataset-corrupt', `cached frame sample holds ${raw.length / 2} values, expected ${length}`);
  const aligned = raw.byteOffset % 2 === 0 ? raw : new Uint8Array(raw); // uint16 views need even offsets
  out.set(new Uint16Array(aligned.buffer, aligned.byteOffset, length), offset);
}
