import { open } from 'node:fs/promises';
import { SpikeflowError } from '@spikeflow/core';
import { eventBatch, type EventBatch } from '../../events/event-batch.js';
import type { EventFile, EventReadOptions } from '../../events/event-file.js';
import { RecordStream } from '../../events/record-stream.js';
import { EventChecker } from '../../events/event-checker.js';
import { truncatedError } from '../../events/truncated.js';
import { readPropheseeHeader } from './prophesee-header.js';

/**
 * Open a Prophesee `.dat` recording (N-CARS, the Gen1/1Mpx automotive detection datasets).
 *
 * Format (https://docs.prophesee.ai/stable/data/file_formats/dat.html): `% ` header lines, one
 * byte event type and one byte event size (8 for CD events), then little-endian records of
 * uint32 timestamp (µs) and uint32 data with x in bits 13..0, y in bits 27..14 and polarity in
 * bits 31..28. A final record shorter than the event size is reported as truncated; an event
 * outside the `% Width`/`% Height` the header declares, or earlier than the one before it, as
 * corrupt, naming its byte offset and index.
 *
 * @example
 * ```ts
 * const file = await openPropheseeDat('sample_ncars.dat');
 * ```
 */
export async function openPropheseeDat(file: string, options: EventReadOptions = {}): Promise<EventFile> {
  const header = await readPropheseeHeader(file);
  if (header.fileSize < header.end + 2) throw truncatedError(file, 'Prophesee DAT', header.fileSize, 'the event type/size bytes after the header');
  const fh = await open(file, 'r');
  const ts = new Uint8Array(2);
  try {
    await fh.read(ts, 0, 2, header.end);
  } finally {
    await fh.close();
  }
  const [type, size] = [ts[0]!, ts[1]!];
  if (size < 8) throw new SpikeflowError('dataset-corrupt', `Prophesee DAT file '${file}' declares ${size}-byte events; expected at least 8`, { file });
  const fields = { ...header.fields, event_type: String(type), event_size: String(size) };
  return {
    info: { format: 'prophesee-dat', file, width: header.width, height: header.height, header: fields },
    async *batches(): AsyncGenerator<EventBatch> {
      const start = header.end + 2;
      const records = new RecordStream(file, 'Prophesee DAT', start, size, options.chunkBytes);
      const check = new EventChecker(file, 'Prophesee DAT', header);
      for await (const { bytes, offset: base } of records) {
        const n = bytes.length / size;
        const out = eventBatch(n);
        const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        for (let i = 0, o = 0; i < n; i++, o += size) {
          out.t[i] = v.getUint32(o, true);
          const d = v.getUint32(o + 4, true);
          out.x[i] = d & 0x3fff;
          out.y[i] = (d >>> 14) & 0x3fff;
          out.p[i] = (d >>> 28) & 0xf ? 1 : 0;
          check.event(out.t[i]!, out.x[i]!, out.y[i]!, base + o);
        }
        yield out;
      }
      records.checkEnd((torn) => `an event (${torn} of ${size} bytes)`);
    },
  };
}
