import { stat } from 'node:fs/promises';
import type { EventBatch } from '../../events/event-batch.js';
import { eventBatch, sliceEvents } from '../../events/event-batch.js';
import type { EventFile, EventReadOptions } from '../../events/event-file.js';
import { RecordStream } from '../../events/record-stream.js';

/** Bytes per N-MNIST / N-Caltech101 event. */
export const NMNIST_EVENT_BYTES = 5;

/**
 * Open an N-MNIST or N-Caltech101 sample (`.bin`; SLAYER's `.bs2` is the same encoding).
 *
 * Format (Orchard et al. 2015, "Converting Static Image Datasets to Spiking Neuromorphic
 * Datasets Using Saccades", and the dataset page http://www.garrickorchard.com/datasets/n-mnist):
 * no header; each event is 40 bits, big-endian — byte 0 x, byte 1 y, bit 7 of byte 2 polarity
 * (1 = ON), and the remaining 23 bits the timestamp in µs. As in Orchard's `Read_Ndataset.m`, an
 * event with y = 240 is not an event but a timestamp-overflow marker: it is dropped and 2^13 µs
 * is added to every later timestamp. A file whose size is not a multiple of five is reported as
 * truncated.
 *
 * @example
 * ```ts
 * const file = await openNmnistBin('00002.bin', { width: 34, height: 34 });
 * for await (const b of file.batches()) b.x; // ...
 * ```
 */
export async function openNmnistBin(file: string, options: EventReadOptions & { width?: number; height?: number } = {}): Promise<EventFile> {
  await stat(file); // fail early with ENOENT
  const info = { format: 'nmnist-bin' as const, file, width: options.width, height: options.height, header: {} };
  return {
    info,
    async *batches(): AsyncGenerator<EventBatch> {
      const records = new RecordStream(file, 'N-MNIST', 0, NMNIST_EVENT_BYTES, options.chunkBytes);
      const state = { overflow: 0 };
      for await (const { bytes } of records) yield decodeNmnist(bytes, state);
      records.checkEnd((torn) => `an event (${torn} of ${NMNIST_EVENT_BYTES} bytes)`);
    },
  };
}

/** The y address that marks a timestamp overflow in N-MNIST / N-Caltech101 files. */
export const NMNIST_OVERFLOW_Y = 240;

/**
 * Decode whole 5-byte N-MNIST records. `state.overflow` carries the µs added by overflow markers
 * seen so far, across calls.
 */
export function decodeNmnist(bytes: Uint8Array, state: { overflow: number } = { overflow: 0 }): EventBatch {
  const n = Math.floor(bytes.length / NMNIST_EVENT_BYTES);
  const out = eventBatch(n);
  let k = 0;
  for (let i = 0, o = 0; i < n; i++, o += 5) {
    const y = bytes[o + 1]!;
    if (y === NMNIST_OVERFLOW_Y) {
      state.overflow += 1 << 13;
      continue;
    }
    out.x[k] = bytes[o]!;
    out.y[k] = y;
    const b2 = bytes[o + 2]!;
    out.p[k] = b2 >> 7;
    out.t[k] = state.overflow + (((b2 & 0x7f) << 16) | (bytes[o + 3]! << 8) | bytes[o + 4]!);
    k++;
  }
  return k === n ? out : sliceEvents(out, 0, k);
}
