import type { EventBatch } from '../../events/event-batch.js';
import { eventBatch } from '../../events/event-batch.js';
import type { EventFile, EventReadOptions } from '../../events/event-file.js';
import { readHeaderLines } from '../../events/header-lines.js';
import { RecordStream } from '../../events/record-stream.js';

/** How to turn a jAER DVS128 address into coordinates. */
export type Aedat2Orientation = 'sensor' | 'cifar10-dvs';

/**
 * Open an AEDAT 2.0 recording from jAER with DVS128 addresses (CIFAR10-DVS as first released).
 *
 * Format (jAER's AEDAT 2.0 description, https://docs.inivation.com/software/software-advanced-usage/file-formats/aedat-2.0.html):
 * `#` header lines (the first `#!AER-DAT2.0`), then big-endian records of int32 address and
 * int32 timestamp (µs). DVS128 addresses carry polarity in bit 0, x in bits 7..1 and y in bits
 * 14..8. With `orientation: 'cifar10-dvs'` the axes are turned as SpikingJelly and Tonic do for
 * CIFAR10-DVS (`x' = 127 − y`, `y' = 127 − x`, `p' = 1 − p`), so images are upright. A torn
 * final record is reported as truncated.
 *
 * @example
 * ```ts
 * const file = await openAedat2('cifar10_airplane_0.aedat', { orientation: 'cifar10-dvs' });
 * ```
 */
export async function openAedat2(file: string, options: EventReadOptions & { orientation?: Aedat2Orientation } = {}): Promise<EventFile> {
  const { lines, end } = await readHeaderLines(file, '#');
  const header: Record<string, string> = {};
  if (lines[0] !== undefined) header['version'] = lines[0].replace(/^#!?/, '');
  const turn = options.orientation === 'cifar10-dvs';
  return {
    info: { format: 'aedat2', file, width: 128, height: 128, header },
    async *batches(): AsyncGenerator<EventBatch> {
      const records = new RecordStream(file, 'AEDAT 2.0', end, 8, options.chunkBytes);
      for await (const { bytes } of records) {
        const n = bytes.length / 8;
        const out = eventBatch(n);
        const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        for (let i = 0, o = 0; i < n; i++, o += 8) {
          const a = v.getUint32(o, false);
          const x = (a >>> 1) & 0x7f;
          const y = (a >>> 8) & 0x7f;
          const p = a & 1;
          out.t[i] = v.getUint32(o + 4, false);
          out.x[i] = turn ? 127 - y : x;
          out.y[i] = turn ? 127 - x : y;
          out.p[i] = turn ? 1 - p : p;
        }
        yield out;
      }
      records.checkEnd((torn) => `an event (${torn} of 8 bytes)`);
    },
  };
}
