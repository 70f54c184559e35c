import { z } from 'zod';
import { SpikeflowError, tf, type EncodeContext, type Encoder, type EncoderDescriptor, type Tensor } from '@spikeflow/core';

export interface DeltaEncoderOptions {
  /** Change of the signal, since the last emitted reference, that makes a spike. Default 0.1. */
  readonly threshold?: number;
  /**
   * `on-off` (default): `[T, B, 2F]`, channels `[0, F)` rise spikes and `[F, 2F)` fall spikes;
   * `signed`: `[T, B, F]` with +1 / −1; `on`: `[T, B, F]` with rise spikes only.
   */
  readonly output?: 'on-off' | 'signed' | 'on';
  /** Reference at the start: the first sample's value (`first`, default: step 0 never spikes) or `zero`. */
  readonly initial?: 'first' | 'zero';
}

/**
 * Delta (send-on-delta) coding of time series `[B, T, ...F] -> [T, B, ...F']`: each feature keeps a
 * reference r (its first value, or 0); at step t, if `x[t] − r ≥ θ` it emits a rise spike, if
 * `x[t] − r ≤ −θ` a fall spike, and in both cases r becomes x[t]; otherwise r stays, so slow drifts
 * accumulate until they cross θ. One spike per feature and step at most. The sample already is
 * a sequence: T is taken from the data (`framesPerSample`), and `timeSteps` must equal it.
 *
 * @example
 * ```ts
 * const enc = deltaEncoder({ threshold: 0.5 });
 * enc.encode(tf.tensor3d([[[0], [0.6], [0.7], [0]]]), { timeSteps: 4, sampleIndices: [0], epoch: 0, seed: 0 });
 * // [4, 1, 2]: rise at t=1, fall at t=3
 * ```
 */
export function deltaEncoder(options: DeltaEncoderOptions = {}): Encoder & { framesPerSample(s: readonly number[]): number; stepShape(s: readonly number[]): number[] } {
  const theta = options.threshold ?? 0.1;
  const output = options.output ?? 'on-off';
  const initial = options.initial ?? 'first';
  if (!(theta > 0) || !Number.isFinite(theta)) throw new SpikeflowError('invalid-options', `models/delta: threshold must be a positive number, got ${theta}`);
  const widen = (shape: readonly number[]) => (output === 'on-off' ? [...shape.slice(0, -1), 2 * shape[shape.length - 1]!] : [...shape]);
  return {
    id: 'models/delta',
    timeInvariant: false,
    framesPerSample: (sampleShape) => sampleShape[0]!,
    stepShape: (sampleShape) => widen(sampleShape.slice(1)),
    encode(x: Tensor, { timeSteps }: EncodeContext): Tensor {
      if (x.rank < 3 || x.shape[1] !== timeSteps) {
        throw new SpikeflowError(
          'shape-mismatch',
          `models/delta: expected a batch of time series [B, T=${timeSteps}, ...features], got [${x.shape}]; set timeSteps to the series length`,
        );
      }
      const [B, T] = [x.shape[0]!, x.shape[1]!];
      const featShape = x.shape.slice(2);
      const last = featShape[featShape.length - 1]!;
      const F = x.size / (B * T);
      const values = x.dataSync();
      const width = output === 'on-off' ? 2 * F : F;
      const out = new Float32Array(T * B * width);
      for (let b = 0; b < B; b++) {
        for (let f = 0; f < F; f++) {
          // With on/off channels the last axis doubles: [..., rise(last), fall(last)].
          const rise = output === 'on-off' ? Math.floor(f / last) * 2 * last + (f % last) : f;
          const fall = output === 'on-off' ? rise + last : f;
          let ref = initial === 'first' ? values[b * T * F + f]! : 0;
          for (let t = 0; t < T; t++) {
            const v = values[(b * T + t) * F + f]!;
            const d = v - ref;
            const base = (t * B + b) * width;
            if (d >= theta) {
              out[base + rise] = 1;
              ref = v;
            } else if (d <= -theta) {
              if (output !== 'on') out[base + fall] = output === 'signed' ? -1 : 1;
              ref = v;
            }
          }
        }
      }
      return tf.tensor(out, [T, B, ...widen(featShape)]);
    },
  };
}

/** The `models/delta` registry entry. */
export const deltaEncoderDescriptor: EncoderDescriptor<DeltaEncoderOptions> = {
  id: 'delta',
  description: 'Delta (send-on-delta) coding of time series [B, T, F]: spike when the change since the last reference crosses a threshold; on/off channels',
  options: z
    .object({
      threshold: z.number().positive().default(0.1),
      output: z.enum(['on-off', 'signed', 'on']).default('on-off'),
      initial: z.enum(['first', 'zero']).default('first'),
    })
    .strict(),
  create: (o) => deltaEncoder(o),
};
