import { z } from 'zod';
import { Rng, SpikeflowError, tf, type EncodeContext, type Encoder, type EncoderDescriptor, type Tensor } from '@spikeflow/core';

/** Checks that the context names one global sample index per row of the batch. */
export function checkSampleIndices(encoder: string, x: Tensor, context: EncodeContext): void {
  const B = x.shape[0]!;
  if (!context.sampleIndices || context.sampleIndices.length !== B) {
    throw new SpikeflowError(
      'shape-mismatch',
      `${encoder}: expected one global sample index per batch row (${B}), got ${context.sampleIndices?.length ?? 'none'}; stochastic encoders are keyed by sample index`,
    );
  }
}

/**
 * Poisson (Bernoulli-per-step) rate encoding, `[B, ...] -> [T, B, ...]`: at every step each input
 * spikes with probability equal to its intensity clipped to [0, 1]. The uniform numbers of a sample
 * come from a generator seeded by `(seed, epoch, global sample index)` and are drawn step by step,
 * so step t of a sample is keyed by `(seed, epoch, index, t)`: a sample encodes to the same spikes
 * whatever batch, order or worker it lands in (data-parallel runs match one process).
 *
 * @example
 * ```ts
 * const enc = poissonEncoder();
 * const s = enc.encode(x, { timeSteps: 8, sampleIndices: [12, 40], epoch: 0, seed: 1 }); // [8, 2, 28, 28, 1]
 * ```
 */
export function poissonEncoder(): Encoder {
  return {
    id: 'models/poisson',
    timeInvariant: false,
    encode(x: Tensor, context: EncodeContext): Tensor {
      checkSampleIndices('models/poisson', x, context);
      const T = context.timeSteps;
      if (!Number.isInteger(T) || T < 1) throw new SpikeflowError('invalid-options', `models/poisson: timeSteps must be a positive integer, got ${T}`);
      const B = x.shape[0]!;
      const F = x.size / B;
      const values = x.dataSync();
      const out = new Float32Array(T * B * F);
      for (let b = 0; b < B; b++) {
        const rng = new Rng(`poisson:${context.seed}:${context.epoch}:${context.sampleIndices[b]}`);
        const row = b * F;
        for (let t = 0; t < T; t++) {
          const base = (t * B + b) * F;
          // u < p fires with probability p; p <= 0 never fires, p >= 1 always (u < 1).
          for (let f = 0; f < F; f++) out[base + f] = rng.uniform() < values[row + f]! ? 1 : 0;
        }
      }
      return tf.tensor(out, [T, ...x.shape]);
    },
  };
}

/** The `models/poisson` registry entry. */
export const poissonEncoderDescriptor: EncoderDescriptor<Record<string, never>> = {
  id: 'poisson',
  description: 'Poisson rate coding: spike with probability = intensity (clipped to [0, 1]) each step, keyed by (seed, epoch, sample index, t)',
  options: z.object({}).strict() as unknown as z.ZodType<Record<string, never>>,
  create: () => poissonEncoder(),
};
