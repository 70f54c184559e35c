import { tf } from '@spikeflow/core';
import { SurrogateKind } from '../fused/kernels/neuron-codes.js';
import { defineSurrogate, positive, type SurrogateOptionsOf } from './surrogate-kit.js';

/**
 * SpikingJelly's `SoftSign` surrogate: `g(x) = (αx / (1 + |αx|) + 1) / 2`,
 * `g'(x) = 1 / (2α·(1/α + |x|)²) = α / (2·(1 + |αx|)²)`. Default `α = 2`; SpikingJelly asserts `α > 0`.
 */
export const softSign = defineSurrogate('soft-sign', {
  description: "SpikingJelly's SoftSign: g(x) = (αx/(1 + |αx|) + 1)/2, g'(x) = 1/(2α(1/α + |x|)²); α = 2",
  params: { alpha: positive(2) },
  formulas: ({ alpha }) => ({
    primitive: (x) => {
      const ax = tf.mul(x, alpha);
      return tf.div(tf.add(tf.div(ax, tf.add(1, tf.abs(ax))), 1), 2);
    },
    derivative: (x) => tf.div(1, tf.mul(tf.square(tf.add(tf.abs(x), 1 / alpha)), 2 * alpha)),
    native: { kind: SurrogateKind.SoftSign, p: alpha, q: 1 / alpha },
  }),
});

/** Options of {@link softSign}. */
export type SoftSignOptions = SurrogateOptionsOf<typeof softSign>;

/** Registry entry `neurons/soft-sign`. */
export const softSignDescriptor = softSign.descriptor;
