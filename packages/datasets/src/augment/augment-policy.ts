import { compose, type BatchAugment } from './batch-augment.js';
import { cutout, horizontalFlip, normalize, randomCrop } from './image-augments.js';

/** The usual image training augmentation, each part optional. */
export interface ImageAugmentPolicy {
  /** Zero padding of the random crop (4 for CIFAR). */
  readonly cropPadding?: number;
  /** Mirror left–right with probability 1/2. */
  readonly flip?: boolean;
  /** Per-channel statistics to normalise with. */
  readonly normalize?: { readonly mean: readonly number[]; readonly std: readonly number[] };
  /** Cutout squares (after normalisation, so they hold the mean). */
  readonly cutout?: { readonly size: number; readonly holes?: number };
}

/**
 * One augmentation from a policy, in the order CIFAR training scripts use: crop, flip,
 * normalise, cutout.
 *
 * @example
 * ```ts
 * const augment = imageAugmentPolicy({ cropPadding: 4, flip: true, normalize: { mean, std }, cutout: { size: 16 } });
 * const loader = new DataLoader({ dataset: train, batchSize: 128, seed: 0, augment });
 * ```
 */
export function imageAugmentPolicy(policy: ImageAugmentPolicy): BatchAugment {
  const steps: BatchAugment[] = [];
  if (policy.cropPadding !== undefined && policy.cropPadding > 0) steps.push(randomCrop({ padding: policy.cropPadding }));
  if (policy.flip) steps.push(horizontalFlip());
  if (policy.normalize) steps.push(normalize(policy.normalize));
  if (policy.cutout) steps.push(cutout(policy.cutout));
  return compose(...steps);
}
