import { z } from 'zod';
import { SpikeflowError, crossEntropy, tf, type LossDescriptor, type LossFunction } from '@spikeflow/core';
import { checkLossInput } from './check-output.js';

export interface CeRateOptions {
  /** Multiplies the firing rates before the softmax (rates live in [0, 1], too flat as logits). Default 1. */
  readonly scale?: number;
}

/**
 * Cross-entropy on firing rates: `CE(s · mean_t O[t], y)`, the mean over T of the output spikes as
 * logits times a scale s, averaged over the batch. With s = 1 it is core's `core/ce-mean`, reused
 * here (core's `crossEntropy`); the scale sharpens the softmax of rates in [0, 1].
 *
 * @example
 * ```ts
 * const loss = ceRateLoss({ scale: 5 });
 * const l = loss.compute(out, labels, 10); // out [T, B, 10]
 * ```
 */
export function ceRateLoss(options: CeRateOptions = {}): LossFunction {
  const scale = options.scale ?? 1;
  if (!Number.isFinite(scale) || scale <= 0) throw new SpikeflowError('invalid-options', `models/ce-rate: scale must be a positive number, got ${scale}`);
  return {
    id: 'models/ce-rate',
    compute(output, labels, numClasses) {
      checkLossInput('ce-rate', output, labels, numClasses);
      return tf.tidy(() => crossEntropy(tf.mul(tf.mean(output, 0), scale), labels, numClasses));
    },
  };
}

/** The `models/ce-rate` registry entry. */
export const ceRateDescriptor: LossDescriptor<CeRateOptions> = {
  id: 'ce-rate',
  description: 'Cross-entropy on the output firing rates (mean over T) times a scale',
  options: z.object({ scale: z.number().positive().default(1) }).strict(),
  create: (o) => ceRateLoss(o),
};
