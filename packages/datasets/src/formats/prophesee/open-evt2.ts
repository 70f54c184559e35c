import type { EventFile, EventReadOptions } from '../../events/event-file.js';
import { openPropheseeRaw, type PropheseeRawEncoding } from './open-prophesee-raw.js';
import { TimeHighClock } from './time-high-clock.js';

/**
 * Open a Prophesee EVT 2.0 `.raw` recording (Metavision Gen3 and later cameras).
 *
 * Format (https://docs.prophesee.ai/stable/data/encoding_formats/evt2.html): after the `% `
 * header, little-endian 32-bit words whose top four bits are the type — 0x0 CD_OFF and 0x1
 * CD_ON (bits 27..22 the low six timestamp bits, 21..11 x, 10..0 y), 0x8 EVT_TIME_HIGH (bits
 * 27..0 are timestamp bits 33..6); triggers and vendor words are skipped. Timestamps are
 * `time_high · 64 + low`, plus 2^34 µs for every wrap of the 28-bit TIME_HIGH (a decrease by more
 * than half its range; a smaller decrease is corruption). A torn final word is reported as
 * truncated; an event outside the sensor the header declares, or earlier than the one before it,
 * as corrupt, naming the byte offset and the event's index.
 *
 * @example
 * ```ts
 * const file = await openEvt2('recording.raw');
 * ```
 */
export function openEvt2(file: string, options: EventReadOptions = {}): Promise<EventFile> {
  return openPropheseeRaw(file, options, evt2Encoding);
}

/** EVT 2.0: 32-bit words, each CD event self-contained but for the TIME_HIGH bits. */
const evt2Encoding: PropheseeRawEncoding = {
  format: 'evt2',
  label: 'EVT 2.0',
  wordBytes: 4,
  decoder(check) {
    const clock = new TimeHighClock(28);
    return function* (bytes, base, out) {
      const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      for (let o = 0; o < bytes.length; o += 4) {
        const w = v.getUint32(o, true);
        const type = w >>> 28;
        if (type <= 1) {
          const t = clock.high * 64 + ((w >>> 22) & 0x3f);
          const x = (w >>> 11) & 0x7ff;
          const y = w & 0x7ff;
          check.event(t, x, y, base + o);
          out.push(t, x, y, type);
          if (out.full) yield out.take()!;
        } else if (type === 0x8) {
          clock.set(w & 0x0fffffff, base + o, check);
        }
      }
    };
  },
  tornWord: (torn) => `a 32-bit word (${torn} of 4 bytes)`,
};
