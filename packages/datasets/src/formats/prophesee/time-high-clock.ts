import type { EventChecker } from '../../events/event-checker.js';

/**
 * The high timestamp bits of a Prophesee EVT stream, unwrapped: EVT 2.0 and EVT 3.0 both carry
 * them in an EVT_TIME_HIGH word of `bits` bits that wraps to 0. A decrease by more than half its
 * range is a wrap (`2^bits` is added to every later value); a smaller decrease is corruption.
 *
 * @example
 * ```ts
 * const clock = new TimeHighClock(12);
 * clock.set(w & 0xfff, byteOffset, check);
 * const t = clock.high * 4096 + low;
 * ```
 */
export class TimeHighClock {
  /** The unwrapped high bits: the last EVT_TIME_HIGH value plus `2^bits` per wrap so far. */
  high = 0;
  private value = 0;
  private base = 0;
  /** Byte offset of the last EVT_TIME_HIGH word; -1 before the first. */
  private at = -1;

  constructor(private readonly bits: number) {}

  /** Take the EVT_TIME_HIGH value `h` found at byte `offset`. */
  set(h: number, offset: number, check: EventChecker): void {
    if (this.at >= 0 && h < this.value) {
      if (this.value - h <= 2 ** (this.bits - 1)) {
        throw check.error(
          offset,
          `EVT_TIME_HIGH goes back from ${this.value} (set at byte ${this.at}) to ${h}, which is not a wrap of its ${this.bits} bits; after event ${check.count}`,
        );
      }
      this.base += 2 ** this.bits;
    }
    this.value = h;
    this.at = offset;
    this.high = this.base + h;
  }
}
