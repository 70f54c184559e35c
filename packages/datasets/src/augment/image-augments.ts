import { SpikeflowError } from '@spikeflow/core';
import { imageShape, perSampleAugment, type BatchAugment } from './batch-augment.js';
import { checkChannelStats, eraseSquare, flipImage, normalizeChannels, shiftImage } from './image-ops.js';

function checkInt(what: string, v: number, min: number): void {
  if (!Number.isInteger(v) || v < min) throw new SpikeflowError('invalid-options', `${what} must be an integer >= ${min}, got ${v}`);
}

function checkProbability(p: number): void {
  if (!(p >= 0 && p <= 1)) throw new SpikeflowError('invalid-options', `probability must be in [0, 1], got ${p}`);
}

/**
 * Random crop of the zero-padded image back to its size (torchvision's
 * `RandomCrop(size, padding)`): the crop corner is uniform over the `(2p + 1)²` positions.
 * `key` names its random stream (default `crop`; give two crops different keys).
 *
 * @example
 * ```ts
 * randomCrop({ padding: 4 }); // CIFAR's 32x32 crop of a 40x40 padded image
 * ```
 */
export function randomCrop(options: { readonly padding: number; readonly key?: string }): BatchAugment {
  const p = options.padding;
  checkInt('randomCrop padding', p, 0);
  return perSampleAugment(options.key ?? 'crop', (x, shape, offset, rng) => {
    const top = rng.int(2 * p + 1);
    const left = rng.int(2 * p + 1);
    shiftImage(x, shape, offset, p - top, p - left);
  });
}

/** Mirror each image left–right with probability `p` (default 0.5; torchvision's `RandomHorizontalFlip`). */
export function horizontalFlip(options: { readonly p?: number; readonly key?: string } = {}): BatchAugment {
  const p = options.p ?? 0.5;
  checkProbability(p);
  return perSampleAugment(options.key ?? 'flip', (x, shape, offset, rng) => {
    if (rng.uniform() < p) flipImage(x, shape, offset);
  });
}

/**
 * Per-channel normalisation `(v − mean[c]) / std[c]` (torchvision's `Normalize`), after the
 * [0, 1] scaling the datasets do.
 *
 * @example
 * ```ts
 * normalize({ mean: [0.4914, 0.4822, 0.4465], std: [0.247, 0.2435, 0.2616] });
 * ```
 */
export function normalize(options: { readonly mean: readonly number[]; readonly std: readonly number[] }): BatchAugment {
  const { mean, std } = options;
  checkChannelStats(mean, std);
  return (x, context) => {
    checkChannelStats(mean, std, imageShape(x, context)[2]);
    normalizeChannels(x, mean, std);
  };
}

/**
 * Cutout (DeVries & Taylor 2017): zero `holes` squares of side `size` per image, each centred on
 * a uniformly drawn pixel and clipped at the borders. Applied after `normalize`, zero is the
 * channel mean, as in the paper's code.
 */
export function cutout(options: { readonly size: number; readonly holes?: number; readonly key?: string }): BatchAugment {
  const holes = options.holes ?? 1;
  checkInt('cutout size', options.size, 1);
  checkInt('cutout holes', holes, 1);
  return perSampleAugment(options.key ?? 'cutout', (x, shape, offset, rng) => {
    for (let h = 0; h < holes; h++) {
      const cy = rng.int(shape[0]);
      const cx = rng.int(shape[1]);
      eraseSquare(x, shape, offset, cy, cx, options.size);
    }
  });
}
