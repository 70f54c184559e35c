import { SpikeflowError } from '@spikeflow/core';
import type { EventBatch } from './event-batch.js';

/** The sensor size a file declares, and where the declaration came from (for messages). */
export interface EventGeometry {
  readonly width?: number;
  readonly height?: number;
  /** Where the size came from, e.g. `the header's '% format' line`; defaults to `the header`. */
  readonly sizeFrom?: string;
}

/**
 * Checks decoded events as a reader produces them: every event must lie on the sensor the header
 * declares, and no timestamp may be smaller than the one before it (after the format's own wrap
 * rules). A flipped bit, appended garbage or a header that disagrees with the data otherwise comes
 * out as plausible-looking wrong events; this turns it into a `dataset-corrupt` error naming the
 * byte offset and the event's index.
 *
 * @example
 * ```ts
 * const check = new EventChecker(file, 'EVT 2.0', { width: 640, height: 480 });
 * check.event(t, x, y, byteOffset); // throws on an event off the sensor or back in time
 * ```
 */
export class EventChecker {
  private prevT = -Infinity;
  private n = 0;
  private readonly width: number;
  private readonly height: number;

  constructor(
    private readonly file: string,
    private readonly format: string,
    private readonly geometry: EventGeometry = {},
  ) {
    this.width = geometry.width ?? Infinity;
    this.height = geometry.height ?? Infinity;
  }

  /** Events checked so far. */
  get count(): number {
    return this.n;
  }

  /** Check one event whose bytes are at `offset`. */
  event(t: number, x: number, y: number, offset: number): void {
    if (x >= this.width || y >= this.height || x < 0 || y < 0 || t < this.prevT) throw this.fail(t, x, y, offset, `event ${this.n}`);
    this.prevT = t;
    this.n++;
  }

  /** Check a decoded batch whose bytes start at `offset` (`where` says what that offset is, e.g. `of the packet`). */
  batch(b: EventBatch, offset: number, where = 'of the batch'): void {
    for (let i = 0; i < b.length; i++) {
      const t = b.t[i]!;
      const x = b.x[i]!;
      const y = b.y[i]!;
      if (x >= this.width || y >= this.height || t < this.prevT) throw this.fail(t, x, y, offset, `event ${this.n} (event ${i} ${where})`);
      this.prevT = t;
      this.n++;
    }
  }

  private fail(t: number, x: number, y: number, offset: number, which: string): SpikeflowError {
    const { width, height, sizeFrom } = this.geometry;
    if (t >= this.prevT) {
      return this.error(
        offset,
        `${which} at x=${x}, y=${y} lies outside the ${width}x${height} sensor declared by ${sizeFrom ?? 'the header'} (expected x < ${width}, y < ${height})`,
      );
    }
    return this.error(offset, `${which} has t=${t} µs, before the previous event's t=${this.prevT} µs; timestamps must not decrease`);
  }

  /** A `dataset-corrupt` error at `offset`, naming the file and how many events were good before it. */
  error(offset: number, what: string): SpikeflowError {
    return new SpikeflowError('dataset-corrupt', `${this.format} file '${this.file}' is not valid at byte ${offset}: ${what}`, {
      file: this.file,
      format: this.format,
      offset,
      event: this.n,
    });
  }
}
