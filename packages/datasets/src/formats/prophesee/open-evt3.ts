import type { EventFile, EventReadOptions } from '../../events/event-file.js';
import { openPropheseeRaw, type PropheseeRawEncoding } from './open-prophesee-raw.js';
import { TimeHighClock } from './time-high-clock.js';

/**
 * Open a Prophesee EVT 3.0 `.raw` recording (Gen4.1 / IMX636 cameras).
 *
 * Format (https://docs.prophesee.ai/stable/data/encoding_formats/evt3.html): little-endian
 * 16-bit words decoded with state — 0x0 EVT_ADDR_Y sets y; 0x2 EVT_ADDR_X is one event (bit 11
 * polarity, bits 10..0 x); 0x3 VECT_BASE_X sets polarity and a base x; 0x4 VECT_12 and 0x5 VECT_8
 * are validity masks (LSB = base x) after which base x advances by 12 or 8; 0x6 EVT_TIME_LOW and
 * 0x8 EVT_TIME_HIGH are the low and high 12 timestamp bits. The timestamp is
 * `(TIME_HIGH << 12) | TIME_LOW` plus 2^24 µs for every wrap of TIME_HIGH (seen as TIME_HIGH
 * decreasing by more than half its 12-bit range; a smaller decrease is corruption); TIME_LOW itself
 * is not unwrapped, because real streams step it back a little without a wrap (and without events
 * in between). Triggers and other words are skipped. A torn final word is reported as truncated;
 * an event outside the sensor the header declares, or earlier than the one before it, as corrupt,
 * naming the byte offset and the event's index.
 *
 * @example
 * ```ts
 * const file = await openEvt3('recording.raw');
 * ```
 */
export function openEvt3(file: string, options: EventReadOptions = {}): Promise<EventFile> {
  return openPropheseeRaw(file, options, evt3Encoding);
}

/** EVT 3.0: 16-bit words that set the current row, time and polarity, then events or vectors of them. */
const evt3Encoding: PropheseeRawEncoding = {
  format: 'evt3',
  label: 'EVT 3.0',
  wordBytes: 2,
  decoder(check) {
    let y = 0;
    let baseX = 0;
    let pol = 0;
    let low = 0;
    const clock = new TimeHighClock(12);
    return function* (bytes, base, out) {
      for (let o = 0; o < bytes.length; o += 2) {
        const w = bytes[o]! | (bytes[o + 1]! << 8);
        const t0 = clock.high * 4096 + low;
        switch (w >>> 12) {
          case 0x0:
            y = w & 0x7ff;
            break;
          case 0x2:
            check.event(t0, w & 0x7ff, y, base + o);
            out.push(t0, w & 0x7ff, y, (w >>> 11) & 1);
            if (out.full) yield out.take()!;
            break;
          case 0x3:
            baseX = w & 0x7ff;
            pol = (w >>> 11) & 1;
            break;
          case 0x4:
          case 0x5: {
            const bits = w >>> 12 === 0x4 ? 12 : 8;
            for (let b = 0; b < bits; b++) {
              if ((w >>> b) & 1) {
                check.event(t0, baseX + b, y, base + o);
                out.push(t0, baseX + b, y, pol);
                if (out.full) yield out.take()!;
              }
            }
            baseX += bits;
            break;
          }
          case 0x6:
            low = w & 0xfff;
            break;
          case 0x8:
            clock.set(w & 0xfff, base + o, check);
            break;
          default:
            break;
        }
      }
    };
  },
  tornWord: () => 'a 16-bit word (1 of 2 bytes)',
};
