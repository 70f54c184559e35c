/**
 * A run of events in structure-of-arrays form: event `i` is `(t[i], x[i], y[i], p[i])`.
 * Timestamps are microseconds as float64 (exact up to 2^53 µs, so the Unix-epoch timestamps of
 * AEDAT4 survive); polarity is 1 for ON (brighter) and 0 for OFF.
 *
 * @example
 * ```ts
 * const b = eventBatch(2);
 * b.t[0] = 10; b.x[0] = 3; b.y[0] = 4; b.p[0] = 1;
 * ```
 */
export interface EventBatch {
  readonly length: number;
  readonly t: Float64Array;
  readonly x: Uint16Array;
  readonly y: Uint16Array;
  readonly p: Uint8Array;
}

/** A zero-filled batch of `length` events. */
export function eventBatch(length: number): EventBatch {
  return { length, t: new Float64Array(length), x: new Uint16Array(length), y: new Uint16Array(length), p: new Uint8Array(length) };
}

/** The first `length` events of `batch`, sharing its memory. */
export function sliceEvents(batch: EventBatch, start: number, end: number): EventBatch {
  return { length: end - start, t: batch.t.subarray(start, end), x: batch.x.subarray(start, end), y: batch.y.subarray(start, end), p: batch.p.subarray(start, end) };
}

/** Join batches into one new batch (copies). */
export function concatEvents(batches: readonly EventBatch[]): EventBatch {
  let n = 0;
  for (const b of batches) n += b.length;
  const out = eventBatch(n);
  let at = 0;
  for (const b of batches) {
    out.t.set(b.t.subarray(0, b.length), at);
    out.x.set(b.x.subarray(0, b.length), at);
    out.y.set(b.y.subarray(0, b.length), at);
    out.p.set(b.p.subarray(0, b.length), at);
    at += b.length;
  }
  return out;
}
