import { open } from 'node:fs/promises';
import { SpikeflowError } from '@spikeflow/core';
import type { EventBatch } from '../../events/event-batch.js';
import { EventBuilder } from '../../events/event-builder.js';
import type { EventFile, EventReadOptions } from '../../events/event-file.js';
import { readHeaderLines } from '../../events/header-lines.js';
import { corruptError, truncatedError } from '../../events/truncated.js';

/** The first header line of an AEDAT 3.1 file. */
export const AEDAT31_MAGIC = '#!AER-DAT3.1';

/** Bytes of an AEDAT 3.1 packet header. */
export const AEDAT3_PACKET_HEADER_BYTES = 28;

/**
 * Open an AEDAT 3.1 recording (cAER/DV; DVS128 Gesture) and stream its polarity events.
 *
 * Format (iniVation's AEDAT 3.1 documentation, https://docs.inivation.com/software/software-advanced-usage/file-formats/aedat-3.1.html,
 * and DVS128 Gesture's README): `#` header lines from `#!AER-DAT3.1` to `#!END-HEADER`, then
 * packets of a 28-byte little-endian header (uint16 eventType, uint16 eventSource, uint32
 * eventSize, eventTSOffset, eventTSOverflow, eventCapacity, eventNumber, eventValid) followed by
 * `eventCapacity · eventSize` bytes. Polarity events (type 1) are uint32 data and int32
 * timestamp: x in bits 31..17, y in bits 16..2, polarity bit 1, valid bit 0; the full timestamp
 * is `eventTSOverflow · 2^31 + timestamp`. Other packet types are skipped, and events whose valid
 * bit is clear are dropped. A packet cut short by the end of the file is reported as truncated.
 *
 * @example
 * ```ts
 * const file = await openAedat3('user01_fluorescent.aedat');
 * ```
 */
export async function openAedat3(file: string, options: EventReadOptions = {}): Promise<EventFile> {
  const { lines, end, fileSize } = await readHeaderLines(file, '#', ['#!END-HEADER']);
  if (lines[0] !== AEDAT31_MAGIC) {
    throw new SpikeflowError(
      'format-unknown',
      `'${file}' is not an AEDAT 3.1 file: its first line is ${JSON.stringify(lines[0] ?? '')}, expected ${JSON.stringify(AEDAT31_MAGIC)}`,
      { file },
    );
  }
  const header: Record<string, string> = {};
  for (const line of lines) {
    const m = /^#\s*([^:]+):\s*(.*)$/.exec(line);
    if (m) header[m[1]!.trim()] = m[2]!.trim();
  }
  const chunk = Math.max(options.chunkBytes ?? 1 << 20, AEDAT3_PACKET_HEADER_BYTES);
  return {
    // DVS128 (the camera of DVS128 Gesture) is 128x128; other sources say so in the header.
    info: { format: 'aedat3', file, width: 128, height: 128, header },
    async *batches(): AsyncGenerator<EventBatch> {
      const fh = await open(file, 'r');
      const out = new EventBuilder(options.batchEvents);
      try {
        let pos = end;
        const ph = new Uint8Array(AEDAT3_PACKET_HEADER_BYTES);
        const hv = new DataView(ph.buffer);
        while (pos < fileSize) {
          const { bytesRead } = await fh.read(ph, 0, ph.length, pos);
          if (bytesRead < ph.length) throw truncatedError(file, 'AEDAT 3.1', pos + bytesRead, 'a packet header');
          const type = hv.getUint16(0, true);
          const size = hv.getUint32(4, true);
          const overflow = hv.getUint32(12, true);
          const capacity = hv.getUint32(16, true);
          const number = hv.getUint32(20, true);
          if (number > capacity) throw corruptError(file, 'AEDAT 3.1', pos, `packet holds eventNumber ${number} > eventCapacity ${capacity}`);
          const bodyBytes = capacity * size;
          const bodyStart = pos + ph.length;
          if (bodyStart + bodyBytes > fileSize) throw truncatedError(file, 'AEDAT 3.1', fileSize, `a packet of ${capacity} ${size}-byte events`);
          if (type === 1 && size >= 8) {
            // Read the packet's events in slices so a huge packet does not need a huge buffer.
            const perRead = Math.max(1, Math.floor(chunk / size));
            const buf = new Uint8Array(perRead * size);
            const v = new DataView(buf.buffer);
            for (let done = 0; done < number; ) {
              const k = Math.min(perRead, number - done);
              await fh.read(buf, 0, k * size, bodyStart + done * size);
              for (let i = 0, o = 0; i < k; i++, o += size) {
                const data = v.getUint32(o, true);
                if ((data & 1) === 0) continue;
                out.push(overflow * 2147483648 + v.getUint32(o + 4, true), (data >>> 17) & 0x7fff, (data >>> 2) & 0x7fff, (data >>> 1) & 1);
                if (out.full) yield out.take()!;
              }
              done += k;
            }
          }
          pos = bodyStart + bodyBytes;
        }
        const last = out.take();
        if (last) yield last;
      } finally {
        await fh.close();
      }
    },
  };
}
