import { SpikeflowError } from '@spikeflow/core';
import { augmentFrames } from '../event-dataset/event-augment.js';

/** Height, width and channels of one NHWC image. */
export type ImageShape = readonly [height: number, width: number, channels: number];

/**
 * Move the image at `offset` of `x` by whole pixels, in place: output `(y, x)` is input
 * `(y − dy, x − dx)`, zero where that falls outside. A random crop of a zero-padded image is
 * exactly such a shift (padding `p`, crop corner `(i, j)`: `dy = p − i`, `dx = p − j`).
 */
export function shiftImage(x: Float32Array, shape: ImageShape, offset: number, dy: number, dx: number): void {
  augmentFrames(x, [1, ...shape], { flip: false, dx, dy }, offset);
}

/** Mirror the image at `offset` of `x` left–right, in place: output `(y, x)` is input `(y, W − 1 − x)`. */
export function flipImage(x: Float32Array, shape: ImageShape, offset: number): void {
  augmentFrames(x, [1, ...shape], { flip: true, dx: 0, dy: 0 }, offset);
}

/**
 * Set a square of the image at `offset` to `value`, in place: rows `[cy − ⌊size/2⌋, cy + ⌊size/2⌋)`
 * and the same columns around `cx`, clipped to the image (Cutout's mask, DeVries & Taylor 2017).
 */
export function eraseSquare(x: Float32Array, shape: ImageShape, offset: number, cy: number, cx: number, size: number, value = 0): void {
  const [H, W, C] = shape;
  const half = Math.floor(size / 2);
  const y0 = Math.max(0, cy - half);
  const y1 = Math.min(H, cy + half);
  const x0 = Math.max(0, cx - half);
  const x1 = Math.min(W, cx + half);
  if (x1 <= x0) return;
  for (let y = y0; y < y1; y++) x.fill(value, offset + (y * W + x0) * C, offset + (y * W + x1) * C);
}

/** Check per-channel statistics: one finite mean and one positive std per channel. */
export function checkChannelStats(mean: readonly number[], std: readonly number[], channels?: number): void {
  const ok = mean.length === std.length && mean.length > 0 && (channels === undefined || mean.length === channels);
  if (!ok || !mean.every(Number.isFinite) || !std.every((s) => Number.isFinite(s) && s > 0)) {
    throw new SpikeflowError(
      'invalid-options',
      `normalisation needs one finite mean and one positive std per channel${channels === undefined ? '' : ` (${channels})`}; got mean [${mean.join(', ')}], std [${std.join(', ')}]`,
    );
  }
}

/** Normalise NHWC values per channel in place: `(v − mean[c]) / std[c]` (torchvision's `Normalize`, channels last). */
export function normalizeChannels(x: Float32Array, mean: readonly number[], std: readonly number[]): void {
  const C = mean.length;
  checkChannelStats(mean, std);
  if (x.length % C !== 0) throw new SpikeflowError('shape-mismatch', `normalisation of ${C} channels: ${x.length} values are not whole pixels`);
  for (let i = 0; i < x.length; i += C) {
    for (let c = 0; c < C; c++) x[i + c] = (x[i + c]! - mean[c]!) / std[c]!;
  }
}
