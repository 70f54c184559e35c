import { Rng, SpikeflowError } from '@spikeflow/core';
import type { ImageShape } from './image-ops.js';

/** Which batch is being augmented: the draws of sample `indices[b]` depend only on `(seed, epoch, indices[b])`. */
export interface AugmentContext {
  /** Shape of one sample, `[H, W, C]`. */
  readonly sampleShape: readonly number[];
  /** Dataset index of each sample in the batch. */
  readonly indices: ArrayLike<number>;
  readonly epoch: number;
  readonly seed: number;
}

/**
 * An augmentation of an NHWC float batch, applied in place. It keeps no state: what it does to a
 * sample is fixed by `(seed, epoch, dataset index)`, so a resumed run, or another rank of a
 * data-parallel run, augments each sample exactly as an uninterrupted single run would.
 */
export type BatchAugment = (x: Float32Array, context: AugmentContext) => void;

/** The generator of one sample's draws for the augmentation named `key`. */
export function sampleRng(key: string, context: AugmentContext, b: number): Rng {
  return new Rng(`${key}:${context.seed}:${context.epoch}:${context.indices[b]}`);
}

/** The sample shape as `[H, W, C]`, checked against the batch. */
export function imageShape(x: Float32Array, context: AugmentContext): ImageShape {
  const s = context.sampleShape;
  const size = s.reduce((a, b) => a * b, 1);
  if (s.length !== 3 || x.length !== size * context.indices.length) {
    throw new SpikeflowError(
      'shape-mismatch',
      `image augmentation needs [H, W, C] samples; got sampleShape [${s.join(', ')}] with ${x.length} values for ${context.indices.length} samples`,
    );
  }
  return s as unknown as ImageShape;
}

/**
 * An augmentation drawn per sample: `apply` gets the sample at `offset` of the batch and the
 * generator of that sample's draws under `key` (see {@link sampleRng}).
 */
export function perSampleAugment(key: string, apply: (x: Float32Array, shape: ImageShape, offset: number, rng: Rng) => void): BatchAugment {
  return (x, context) => {
    const shape = imageShape(x, context);
    const size = shape[0] * shape[1] * shape[2];
    for (let b = 0; b < context.indices.length; b++) apply(x, shape, b * size, sampleRng(key, context, b));
  };
}

/**
 * Run augmentations one after another (torchvision's `Compose`).
 *
 * @example
 * ```ts
 * const augment = compose(randomCrop({ padding: 4 }), horizontalFlip(), normalize({ mean, std }), cutout({ size: 16 }));
 * ```
 */
export function compose(...steps: readonly BatchAugment[]): BatchAugment {
  return (x, context) => {
    for (const step of steps) step(x, context);
  };
}
