import { z } from 'zod';
import { SpikeflowError, tf, type LossDescriptor, type LossFunction } from '@spikeflow/core';
import { checkLossInput } from './check-output.js';

export interface MseCountOptions {
  /** Target firing rate of the correct class; its target count is `⌊correctRate · T⌋`. Default 1. */
  readonly correctRate?: number;
  /** Target firing rate of every other class; target count `⌊incorrectRate · T⌋`. Default 0. */
  readonly incorrectRate?: number;
}

/**
 * MSE on spike counts, as snnTorch's `mse_count_loss`: the count `n[b, c] = Σ_t O[t, b, c]` is
 * pulled towards `⌊correctRate·T⌋` for the labelled class and `⌊incorrectRate·T⌋` for the others
 * (whole spike counts), and the loss is `mean_{b,c} (n − target)² / T`. Targets are given as rates
 * so one setting serves every T.
 *
 * @example
 * ```ts
 * const loss = mseCountLoss({ correctRate: 0.8, incorrectRate: 0.2 });
 * const l = loss.compute(out, labels, 10); // out [T, B, 10]
 * ```
 */
export function mseCountLoss(options: MseCountOptions = {}): LossFunction {
  const correct = options.correctRate ?? 1;
  const incorrect = options.incorrectRate ?? 0;
  for (const [name, v] of [
    ['correctRate', correct],
    ['incorrectRate', incorrect],
  ] as const) {
    if (!(v >= 0 && v <= 1)) throw new SpikeflowError('invalid-options', `models/mse-count: ${name} must be a rate in [0, 1], got ${v}`);
  }
  return {
    id: 'models/mse-count',
    compute(output, labels, numClasses) {
      checkLossInput('mse-count', output, labels, numClasses);
      const T = output.shape[0]!;
      return tf.tidy(() => {
        const hot = tf.oneHot(tf.cast(labels, 'int32') as tf.Tensor1D, numClasses).toFloat();
        const on = Math.floor(correct * T);
        const off = Math.floor(incorrect * T);
        const target = tf.add(tf.mul(hot, on - off), off);
        return tf.div(tf.mean(tf.square(tf.sub(tf.sum(output, 0), target))), T);
      });
    },
  };
}

/** The `models/mse-count` registry entry. */
export const mseCountDescriptor: LossDescriptor<MseCountOptions> = {
  id: 'mse-count',
  description: 'MSE between output spike counts and target counts (⌊rate·T⌋ for the correct/incorrect classes), over T',
  options: z.object({ correctRate: z.number().min(0).max(1).default(1), incorrectRate: z.number().min(0).max(1).default(0) }).strict(),
  create: (o) => mseCountLoss(o),
};
