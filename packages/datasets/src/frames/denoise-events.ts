import { eventBatch, type EventBatch } from '../events/event-batch.js';

/**
 * Drop events that have no support from a neighbouring pixel within `filterTime` µs (Tonic's
 * `Denoise`: each event first stamps its own pixel with `t + filterTime`, and is kept when one of
 * its four neighbours holds a stamp later than `t`). Unlike Tonic, pixels start unstamped (Tonic
 * starts them at `filterTime`, which keeps every event of the first `filterTime` µs). Events must
 * be in time order.
 *
 * @example
 * ```ts
 * const clean = denoiseEvents(events, { width: 128, height: 128, filterTime: 10_000 });
 * ```
 */
export function denoiseEvents(events: EventBatch, options: { width: number; height: number; filterTime: number }): EventBatch {
  const { width: W, height: H, filterTime } = options;
  const memory = new Float64Array(W * H).fill(-Infinity);
  const keep: number[] = [];
  for (let i = 0; i < events.length; i++) {
    const x = events.x[i]!;
    const y = events.y[i]!;
    const t = events.t[i]!;
    const at = y * W + x;
    memory[at] = t + filterTime;
    if ((x > 0 && memory[at - 1]! > t) || (x < W - 1 && memory[at + 1]! > t) || (y > 0 && memory[at - W]! > t) || (y < H - 1 && memory[at + W]! > t)) keep.push(i);
  }
  const out = eventBatch(keep.length);
  keep.forEach((i, k) => {
    out.t[k] = events.t[i]!;
    out.x[k] = events.x[i]!;
    out.y[k] = events.y[i]!;
    out.p[k] = events.p[i]!;
  });
  return out;
}
