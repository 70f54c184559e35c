import { z } from 'zod';
import { SpikeflowError, tf, type EncodeContext, type Encoder, type EncoderDescriptor, type Tensor } from '@spikeflow/core';

export interface LatencyEncoderOptions {
  /** `linear` (default) or `log` (RC-circuit charge time). */
  readonly mode?: 'linear' | 'log';
  /** Time constant τ in steps. Default 1 (ignored with `normalize`). */
  readonly tau?: number;
  /** Intensity threshold θ in [0, 1): inputs below it never fire. Default 0.01. */
  readonly threshold?: number;
  /** Choose τ so the spike times span the whole window (see {@link latencyEncoder}). Default false. */
  readonly normalize?: boolean;
  /** Inputs that would not fire within T (below θ, zero, or too late): `none` (default) or a spike at the `last` step. */
  readonly silent?: 'none' | 'last';
}

/** ε of the log code: intensities are raised to θ + ε so x = θ takes a finite (the longest) time. */
const LOG_EPS = 1e-7;

/**
 * Latency (time-to-first-spike) coding, `[B, ...] -> [T, B, ...]`: each input fires once, earlier
 * the stronger it is. With intensity x clipped to [0, 1], threshold θ and time constant τ (the
 * formulas of snnTorch's `spikegen.latency`), the spike step is `round(t)` with
 *
 * - `linear`: `t = τ·(1 − x)`; `normalize` sets `τ = T − 1`, so x = 1 fires at step 0 and x → 0 at T − 1;
 * - `log`: `t = τ·ln(x / (x − θ))` with x raised to at least θ + ε (ε = 1e-7): the time an RC
 *   circuit driven by x needs to charge to θ; `normalize` sets `τ = (T − 1)/ln((θ + ε)/ε)`, so the
 *   slowest input (x = θ) fires at T − 1. (snnTorch divides by the batch's latest time instead;
 *   the two agree when the batch holds an input at θ, and this way a sample's code never depends
 *   on its batch.)
 *
 * Inputs below θ, and zero inputs, do not fire (snnTorch's `clip=True`); neither do spike times
 * beyond T − 1. With `silent: 'last'` all of those fire at step T − 1 instead. Deterministic; no gradient.
 *
 * @example
 * ```ts
 * const enc = latencyEncoder({ mode: 'linear', normalize: true });
 * enc.encode(tf.tensor2d([[1, 0.5, 0.02]]), { timeSteps: 5, sampleIndices: [0], epoch: 0, seed: 0 }); // spikes at t = 0, 2, 4
 * ```
 */
export function latencyEncoder(options: LatencyEncoderOptions = {}): Encoder {
  const mode = options.mode ?? 'linear';
  const theta = options.threshold ?? 0.01;
  const silent = options.silent ?? 'none';
  if (!(theta >= 0 && theta < 1)) throw new SpikeflowError('invalid-options', `models/latency: threshold must be in [0, 1), got ${theta}`);
  if (mode !== 'linear' && mode !== 'log') throw new SpikeflowError('invalid-options', `models/latency: mode must be 'linear' or 'log', got '${String(mode)}'`);
  if (mode === 'log' && theta === 0)
    throw new SpikeflowError('invalid-options', 'models/latency: the log code needs a threshold > 0 (the RC time to reach 0 is 0 for every input)');
  if (options.tau !== undefined && !(options.tau > 0)) throw new SpikeflowError('invalid-options', `models/latency: tau must be positive, got ${options.tau}`);
  return {
    id: 'models/latency',
    timeInvariant: false,
    encode(x: Tensor, { timeSteps: T }: EncodeContext): Tensor {
      if (!Number.isInteger(T) || T < 1) throw new SpikeflowError('invalid-options', `models/latency: timeSteps must be a positive integer, got ${T}`);
      const tau = options.normalize ? (mode === 'linear' ? T - 1 : (T - 1) / Math.log((theta + LOG_EPS) / LOG_EPS)) : (options.tau ?? 1);
      const values = x.dataSync();
      const n = values.length;
      const out = new Float32Array(T * n);
      for (let i = 0; i < n; i++) {
        const v = Math.min(1, Math.max(0, values[i]!));
        let t = Number.POSITIVE_INFINITY;
        if (v >= theta && v > 0) {
          const u = Math.max(v, theta + LOG_EPS);
          t = Math.round(mode === 'linear' ? tau * (1 - v) : tau * Math.log(u / (u - theta)));
        }
        if (t <= T - 1) out[t * n + i] = 1;
        else if (silent === 'last') out[(T - 1) * n + i] = 1;
      }
      return tf.tensor(out, [T, ...x.shape]);
    },
  };
}

/** The `models/latency` registry entry. */
export const latencyEncoderDescriptor: EncoderDescriptor<LatencyEncoderOptions> = {
  id: 'latency',
  description: 'Latency coding: one spike per input, earlier for stronger intensity (linear or log/RC)',
  options: z
    .object({
      mode: z.enum(['linear', 'log']).default('linear'),
      tau: z.number().positive().default(1),
      threshold: z.number().min(0).lt(1).default(0.01),
      normalize: z.boolean().default(false),
      silent: z.enum(['none', 'last']).default('none'),
    })
    .strict(),
  create: (o) => latencyEncoder(o),
};
