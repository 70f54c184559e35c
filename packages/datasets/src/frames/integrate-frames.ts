import { SpikeflowError } from '@spikeflow/core';
import type { EventBatch } from '../events/event-batch.js';
import { segmentsByDuration, segmentsByNumber, segmentsByTime, type FrameSegments } from './frame-segments.js';

/** How a stream is cut into frames. */
export type FrameSplit =
  | { readonly by: 'number'; readonly frames: number }
  | { readonly by: 'time'; readonly frames: number }
  | { readonly by: 'duration'; readonly duration: number };

/** Options of {@link integrateFrames}. */
export interface IntegrateOptions {
  readonly width: number;
  readonly height: number;
  readonly split: FrameSplit;
  /** 2 (default): OFF and ON counts in channels 0 and 1; 1: both polarities summed (SHD). */
  readonly channels?: 1 | 2;
}

/** Frames `[T, H, W, C]` (NHWC per frame), event counts as float32. */
export interface Frames {
  readonly data: Float32Array;
  readonly shape: readonly [number, number, number, number];
}

/** The index ranges of a split. */
export function frameSegments(t: ArrayLike<number>, split: FrameSplit): FrameSegments {
  switch (split.by) {
    case 'number':
      return segmentsByNumber(t.length, split.frames);
    case 'time':
      return segmentsByTime(t, split.frames);
    case 'duration':
      return segmentsByDuration(t, split.duration);
  }
}

/**
 * Integrate events into count frames the way SpikingJelly does
 * (`integrate_events_by_fixed_frames_number` / `integrate_events_by_fixed_duration`): frame `i`
 * counts, per pixel and polarity, the events of its segment. SpikingJelly returns `[T, 2, H, W]`;
 * this returns the NHWC layout `[T, H, W, 2]` with polarity `p` in channel `p`.
 *
 * @example
 * ```ts
 * const { data, shape } = integrateFrames(events, { width: 34, height: 34, split: { by: 'number', frames: 10 } });
 * // shape: [10, 34, 34, 2]
 * ```
 */
export function integrateFrames(events: EventBatch, options: IntegrateOptions): Frames {
  const { width: W, height: H } = options;
  const C = options.channels ?? 2;
  const seg = frameSegments(events.t.subarray(0, events.length), options.split);
  const T = seg.start.length;
  const data = new Float32Array(T * H * W * C);
  const { x, y, p } = events;
  for (let f = 0; f < T; f++) {
    const base = f * H * W * C;
    for (let i = seg.start[f]!; i < seg.end[f]!; i++) {
      const xi = x[i]!;
      const yi = y[i]!;
      if (xi >= W || yi >= H) {
        throw new SpikeflowError('shape-mismatch', `event ${i} at (x=${xi}, y=${yi}) lies outside the ${W}x${H} frame`, { index: i, x: xi, y: yi, width: W, height: H });
      }
      data[base + (yi * W + xi) * C + (C === 2 ? p[i]! : 0)]! += 1;
    }
  }
  return { data, shape: [T, H, W, C] };
}
