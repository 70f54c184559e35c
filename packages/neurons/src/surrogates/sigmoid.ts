import { tf } from '@spikeflow/core';
import { SurrogateKind } from '../fused/kernels/neuron-codes.js';
import { defineSurrogate, positive, type SurrogateOptionsOf } from './surrogate-kit.js';

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
export const sigmoid = defineSurrogate('sigmoid', {
  description: "SpikingJelly's Sigmoid: g(x) = sigmoid(αx), g'(x) = α·sigmoid(αx)·(1 − sigmoid(αx)); α = 4",
  params: { alpha: positive(4) },
  formulas: ({ alpha }) => ({
    primitive: (x) => tf.sigmoid(tf.mul(x, alpha)),
    derivative: (x) => {
      const s = tf.sigmoid(tf.mul(x, alpha));
      return tf.mul(tf.mul(s, tf.sub(1, s)), alpha);
    },
    native: { kind: SurrogateKind.Sigmoid, p: alpha, q: 0 },
  }),
});

/** Options of {@link sigmoid}. */
export type SigmoidOptions = SurrogateOptionsOf<typeof sigmoid>;

/** Registry entry `neurons/sigmoid`. */
export const sigmoidDescriptor = sigmoid.descriptor;
