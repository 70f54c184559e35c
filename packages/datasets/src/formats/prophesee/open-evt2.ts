import type { EventBatch } from '../../events/event-batch.js';
import { EventBuilder } from '../../events/event-builder.js';
import type { EventFile, EventReadOptions } from '../../events/event-file.js';
import { recordChunks } from '../../events/file-chunks.js';
import { truncatedError } from '../../events/truncated.js';
import { readPropheseeHeader } from './prophesee-header.js';

/**
 * Open a Prophesee EVT 2.0 `.raw` recording (Metavision Gen3 and later cameras).
 *
 * Format (https://docs.prophesee.ai/stable/data/encoding_formats/evt2.html): after the `% `
 * header, little-endian 32-bit words whose top four bits are the type — 0x0 CD_OFF and 0x1
 * CD_ON (bits 27..22 the low six timestamp bits, 21..11 x, 10..0 y), 0x8 EVT_TIME_HIGH (bits
 * 27..0 are timestamp bits 33..6); triggers and vendor words are skipped. Timestamps are
 * `time_high · 64 + low`. A torn final word is reported as truncated.
 *
 * @example
 * ```ts
 * const file = await openEvt2('recording.raw');
 * ```
 */
export async function openEvt2(file: string, options: EventReadOptions = {}): Promise<EventFile> {
  const header = await readPropheseeHeader(file);
  return {
    info: { format: 'evt2', file, width: header.width, height: header.height, header: header.fields },
    async *batches(): AsyncGenerator<EventBatch> {
      const it = recordChunks(file, header.end, 4, options.chunkBytes);
      const out = new EventBuilder(options.batchEvents);
      let timeHigh = 0;
      let offset = header.end;
      for (;;) {
        const r = await it.next();
        if (r.done) {
          const last = out.take();
          if (last) yield last;
          if (r.value !== 0) throw truncatedError(file, 'EVT 2.0', offset + r.value, `a 32-bit word (${r.value} of 4 bytes)`);
          return;
        }
        const bytes = r.value;
        offset += bytes.length;
        const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        for (let o = 0; o < bytes.length; o += 4) {
          const w = v.getUint32(o, true);
          const type = w >>> 28;
          if (type <= 1) {
            out.push(timeHigh * 64 + ((w >>> 22) & 0x3f), (w >>> 11) & 0x7ff, w & 0x7ff, type);
            if (out.full) yield out.take()!;
          } else if (type === 0x8) {
            timeHigh = w & 0x0fffffff;
          }
        }
      }
    },
  };
}
