import { tf, type Tensor } from '@spikeflow/core';
import { z } from 'zod';
import { defineSurrogate, nonNegativeMask, type SurrogateOptionsOf } from './surrogate-kit.js';

/**
 * SpikingJelly's `QPseudoSpike` surrogate (Herranz-Celotti & Rouat, "Surrogate Gradients Design";
 * α is the paper's q, controlling tail fatness): `g'(x) = (1 + 2|x|/(α − 1))^(−α)`;
 * `g(x) = ½(1 − 2x/(α − 1))^(1−α)` for `x < 0`, `1 − ½(1 + 2x/(α − 1))^(1−α)` for `x ≥ 0`.
 * Default `α = 2`.
 */
export const qPseudoSpike = defineSurrogate('q-pseudo-spike', {
  description: "SpikingJelly's QPseudoSpike: g'(x) = (1 + 2|x|/(α − 1))^(−α); α = 2 (α > 1)",
  params: {
    // The gradient's tail exponent; the formulas divide by α − 1, and SpikingJelly documents α > 1.
    alpha: z.number().gt(1, 'alpha must be greater than 1 (q-PseudoSpike divides by alpha − 1)').default(2),
  },
  formulas: ({ alpha }) => {
    const base = (x: Tensor) => tf.add(tf.mul(tf.abs(x), 2 / (alpha - 1)), 1);
    return {
      primitive: (x) => {
        const tail = tf.mul(tf.pow(base(x), 1 - alpha), 0.5);
        return tf.where(nonNegativeMask(x), tf.sub(1, tail), tail);
      },
      derivative: (x) => tf.pow(base(x), -alpha),
    };
  },
});

/** Options of {@link qPseudoSpike}. */
export type QPseudoSpikeOptions = SurrogateOptionsOf<typeof qPseudoSpike>;

/** Registry entry `neurons/q-pseudo-spike`. */
export const qPseudoSpikeDescriptor = qPseudoSpike.descriptor;
