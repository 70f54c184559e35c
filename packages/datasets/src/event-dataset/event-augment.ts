import { Rng, SpikeflowError } from '@spikeflow/core';

/** Augmentations for event frames; each is drawn once per sample and applied to every frame. */
export interface EventAugmentOptions {
  /** Mirror left–right with probability 1/2. */
  readonly flipX?: boolean;
  /** Translate by whole pixels drawn uniformly from [−maxShift, maxShift] in x and y, filling with zeros (NDA's roll/translate). */
  readonly maxShift?: number;
}

/** The transform drawn for one sample. */
export interface DrawnAugment {
  readonly flip: boolean;
  readonly dx: number;
  readonly dy: number;
}

/** Draw a sample's transform from `rng` (always the same number of draws, so streams stay aligned). */
export function drawAugment(rng: Rng, options: EventAugmentOptions): DrawnAugment {
  const s = options.maxShift ?? 0;
  if (!Number.isInteger(s) || s < 0) throw new SpikeflowError('invalid-options', `maxShift must be a non-negative integer, got ${s}`);
  const flip = rng.uniform() < 0.5;
  const dx = rng.int(2 * s + 1) - s;
  const dy = rng.int(2 * s + 1) - s;
  return { flip: options.flipX === true && flip, dx, dy };
}

/**
 * Apply one drawn transform to a sample `[T, H, W, C]` in place, the same for every frame —
 * event augmentations must move the whole stream, not each frame on its own (Li et al. 2022,
 * "Neuromorphic Data Augmentation for Training Spiking Neural Networks"; Tonic's RandomFlipLR
 * and spatial jitter of whole streams).
 *
 * @example
 * ```ts
 * augmentFrames(sample, [16, 128, 128, 2], { flip: true, dx: 3, dy: -2 });
 * ```
 */
export function augmentFrames(data: Float32Array, shape: readonly number[], a: DrawnAugment, offset = 0): void {
  const [T, H, W, C] = shape as [number, number, number, number];
  if (!a.flip && a.dx === 0 && a.dy === 0) return;
  const frame = new Float32Array(H * W * C);
  // Output columns [x0, x1) have a source column inside the frame; the rest are zero.
  const x0 = Math.max(0, a.dx);
  const x1 = Math.min(W, W + a.dx);
  for (let t = 0; t < T; t++) {
    const base = offset + t * H * W * C;
    frame.set(data.subarray(base, base + H * W * C));
    data.fill(0, base, base + H * W * C);
    for (let y = 0; y < H; y++) {
      const sy = y - a.dy;
      if (sy < 0 || sy >= H || x1 <= x0) continue;
      const row = base + y * W * C;
      if (!a.flip) {
        // Output (x, y) comes from (x − dx, y − dy): one contiguous copy per row.
        data.set(frame.subarray((sy * W + x0 - a.dx) * C, (sy * W + x1 - a.dx) * C), row + x0 * C);
        continue;
      }
      for (let x = x0; x < x1; x++) {
        // Mirrored: output (x, y) comes from (W − 1 − (x − dx), y − dy).
        const i = (sy * W + (W - 1 - (x - a.dx))) * C;
        const o = row + x * C;
        for (let c = 0; c < C; c++) data[o + c] = frame[i + c]!;
      }
    }
  }
}
