import { SpikeflowError } from '@spikeflow/core';

/** Half-open event index ranges `[start[i], end[i])`, one per frame. */
export interface FrameSegments {
  readonly start: Int32Array;
  readonly end: Int32Array;
}

function positiveInt(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 1) throw new SpikeflowError('invalid-options', `${name} must be a positive integer, got ${v}`);
}

/**
 * Split `n` events into `frames` runs of equal count, the remainder going to the last frame
 * (SpikingJelly's `cal_fixed_frames_number_segment_index` with `split_by='number'`).
 *
 * @example
 * ```ts
 * segmentsByNumber(10, 3); // [0,3) [3,6) [6,10)
 * ```
 */
export function segmentsByNumber(n: number, frames: number): FrameSegments {
  positiveInt('frames', frames);
  const di = Math.floor(n / frames);
  const start = new Int32Array(frames);
  const end = new Int32Array(frames);
  for (let i = 0; i < frames; i++) {
    start[i] = i * di;
    end[i] = i * di + di;
  }
  end[frames - 1] = n;
  return { start, end };
}

/**
 * Split events into `frames` equal time windows (SpikingJelly's `split_by='time'`): with
 * `dt = floor((t[last] − t[0]) / frames)`, frame `i` runs from the first to one past the last
 * event with `t[0] + i·dt <= t < t[0] + (i+1)·dt`, and the last frame extends to the end of the
 * stream (so the remainder of the division lands there). Like SpikingJelly it works on events
 * in file order and does not require sorted timestamps. Where SpikingJelly fails on a window
 * with no events, this gives an empty frame (`start = end`, placed after the previous frame).
 *
 * @example
 * ```ts
 * segmentsByTime(Float64Array.from([0, 1, 2, 3, 10]), 2); // dt 5: [0,4) [4,5)
 * ```
 */
export function segmentsByTime(t: ArrayLike<number>, frames: number): FrameSegments {
  positiveInt('frames', frames);
  const n = t.length;
  const start = new Int32Array(frames).fill(-1);
  const end = new Int32Array(frames).fill(-1);
  if (n > 0) {
    const t0 = t[0]!;
    const dt = Math.floor((t[n - 1]! - t0) / frames);
    if (dt > 0) {
      for (let i = 0; i < n; i++) {
        const rel = t[i]! - t0;
        if (rel < 0) continue;
        let w = Math.floor(rel / dt);
        // Guard the float division against off-by-one at window edges.
        if (w * dt > rel) w--;
        else if ((w + 1) * dt <= rel) w++;
        if (w >= frames) continue;
        if (start[w] === -1) start[w] = i;
        end[w] = i + 1;
      }
    }
  }
  let prev = 0;
  for (let i = 0; i < frames; i++) {
    if (start[i] === -1) {
      start[i] = prev;
      end[i] = prev;
    }
    prev = end[i]!;
  }
  end[frames - 1] = n;
  if (start[frames - 1]! > n) start[frames - 1] = n;
  return { start, end };
}

/**
 * Split events into windows of `duration` µs measured from the earliest timestamp, as
 * SpikingJelly's `integrate_events_by_fixed_duration`: `T = ceil((t[last] − min t) / duration)`
 * frames (at least one); frame `i < T−1` ends before the first event whose window index
 * `floor((t − min t)/duration)` reaches `i+1`, and the last frame takes the rest. Events must be
 * sorted by time.
 *
 * @example
 * ```ts
 * segmentsByDuration(Float64Array.from([0, 5, 10, 25]), 10); // T 3: [0,2) [2,3) [3,4)
 * ```
 */
export function segmentsByDuration(t: ArrayLike<number>, duration: number): FrameSegments {
  if (!(duration > 0)) throw new SpikeflowError('invalid-options', `duration must be positive (µs), got ${duration}`);
  const n = t.length;
  let tMin = Infinity;
  for (let i = 0; i < n; i++) if (t[i]! < tMin) tMin = t[i]!;
  const frames = n === 0 ? 1 : Math.max(1, Math.ceil((t[n - 1]! - tMin) / duration));
  const start = new Int32Array(frames);
  const end = new Int32Array(frames);
  let left = 0;
  let j = 0;
  for (let i = 0; i < frames - 1; i++) {
    while (j < n && Math.floor((t[j]! - tMin) / duration) < i + 1) j++;
    start[i] = left;
    end[i] = j;
    left = j;
  }
  start[frames - 1] = left;
  end[frames - 1] = n;
  return { start, end };
}
