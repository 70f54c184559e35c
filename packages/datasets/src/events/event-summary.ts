import type { EventFile } from './event-file.js';

/** One event as a plain object. */
export interface EventRecord {
  readonly t: number;
  readonly x: number;
  readonly y: number;
  readonly p: number;
}

/** Statistics of a whole recording, gathered in one streaming pass. */
export interface EventSummary {
  readonly count: number;
  readonly on: number;
  readonly off: number;
  readonly tMin: number;
  readonly tMax: number;
  /** Last minus first timestamp, µs. */
  readonly duration: number;
  readonly xMax: number;
  readonly yMax: number;
  /** True when no timestamp is smaller than the one before it. */
  readonly monotonic: boolean;
  readonly first: readonly EventRecord[];
  readonly last: readonly EventRecord[];
}

/**
 * Stream a file once and summarise it: counts by polarity, time and coordinate ranges, and the
 * first and last `keep` events.
 *
 * @example
 * ```ts
 * const s = await summarizeEvents(await openEventFile('sample.aedat4'));
 * console.log(s.count, s.duration);
 * ```
 */
export async function summarizeEvents(file: EventFile, keep = 3): Promise<EventSummary> {
  let count = 0;
  let on = 0;
  let tMin = Infinity;
  let tMax = -Infinity;
  let xMax = -1;
  let yMax = -1;
  let monotonic = true;
  let prev = -Infinity;
  let firstT = NaN;
  let lastT = NaN;
  const first: EventRecord[] = [];
  let last: EventRecord[] = [];
  for await (const b of file.batches()) {
    for (let i = 0; i < b.length; i++) {
      const t = b.t[i]!;
      if (t < prev) monotonic = false;
      prev = t;
      if (t < tMin) tMin = t;
      if (t > tMax) tMax = t;
      if (b.x[i]! > xMax) xMax = b.x[i]!;
      if (b.y[i]! > yMax) yMax = b.y[i]!;
      on += b.p[i]!;
    }
    if (b.length > 0) {
      if (count === 0) firstT = b.t[0]!;
      lastT = b.t[b.length - 1]!;
      for (let i = 0; i < b.length && first.length < keep; i++) first.push({ t: b.t[i]!, x: b.x[i]!, y: b.y[i]!, p: b.p[i]! });
      const tail: EventRecord[] = [];
      for (let i = Math.max(0, b.length - keep); i < b.length; i++) tail.push({ t: b.t[i]!, x: b.x[i]!, y: b.y[i]!, p: b.p[i]! });
      last = [...last, ...tail].slice(-keep);
    }
    count += b.length;
  }
  return { count, on, off: count - on, tMin: count ? tMin : 0, tMax: count ? tMax : 0, duration: count ? lastT - firstT : 0, xMax, yMax, monotonic, first, last };
}
