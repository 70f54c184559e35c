import { tf, type SurrogateDescriptor, type SurrogateFunction } from '@spikeflow/core';
import { z } from 'zod';
import { createSurrogate, parseSurrogateOptions, positive } from './surrogate-kit.js';

const schema = z.object({ alpha: positive(4) }).strict();

/** Options of {@link sigmoid}. */
export type SigmoidOptions = z.infer<typeof schema>;

/**
 * SpikingJelly's `Sigmoid` surrogate, the default of every neuron:
 * `g(x) = sigmoid(αx)`, `g'(x) = α·sigmoid(αx)·(1 − sigmoid(αx))`, default `α = 4`
 * (peak gradient α/4 = 1 at the threshold).
 *
 * @example
 * ```ts
 * const lif = new LIFNode({ surrogate: sigmoid({ alpha: 4 }) });
 * ```
 */
export function sigmoid(options: Partial<SigmoidOptions> = {}): SurrogateFunction {
  const { alpha } = parseSurrogateOptions('sigmoid', schema, options);
  return createSurrogate('sigmoid', { alpha }, {
    primitive: (x) => tf.sigmoid(tf.mul(x, alpha)),
    derivative: (x) => {
      const s = tf.sigmoid(tf.mul(x, alpha));
      return tf.mul(tf.mul(s, tf.sub(1, s)), alpha);
    },
  }, { kind: 2, p: alpha, q: 0 });
}

/** Registry entry `neurons/sigmoid`. */
export const sigmoidDescriptor: SurrogateDescriptor<SigmoidOptions> = {
  id: 'sigmoid',
  description: "SpikingJelly's Sigmoid: g(x) = sigmoid(αx), g'(x) = α·sigmoid(αx)·(1 − sigmoid(αx)); α = 4",
  options: schema,
  create: (options) => sigmoid(options),
};
