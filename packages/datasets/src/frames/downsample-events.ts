import { SpikeflowError } from '@spikeflow/core';
import type { EventBatch } from '../events/event-batch.js';

/**
 * Spatially downsample by an integer `factor`: `x' = floor(x / factor)`, `y' = floor(y / factor)`
 * in a `ceil(W / factor) x ceil(H / factor)` frame. Returns a new batch; the input is unchanged.
 *
 * @example
 * ```ts
 * const { events: small, width, height } = downsampleEvents(events, 128, 128, 2); // 64x64
 * ```
 */
export function downsampleEvents(events: EventBatch, width: number, height: number, factor: number): { events: EventBatch; width: number; height: number } {
  if (!Number.isInteger(factor) || factor < 1) throw new SpikeflowError('invalid-options', `downsample factor must be a positive integer, got ${factor}`);
  const x = new Uint16Array(events.length);
  const y = new Uint16Array(events.length);
  for (let i = 0; i < events.length; i++) {
    x[i] = Math.floor(events.x[i]! / factor);
    y[i] = Math.floor(events.y[i]! / factor);
  }
  return { events: { length: events.length, t: events.t, p: events.p, x, y }, width: Math.ceil(width / factor), height: Math.ceil(height / factor) };
}
