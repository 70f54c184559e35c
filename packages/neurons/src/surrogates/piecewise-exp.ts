import { tf } from '@spikeflow/core';
import { SurrogateKind } from '../fused/kernels/neuron-codes.js';
import { defineSurrogate, nonNegativeMask, positive, type SurrogateOptionsOf } from './surrogate-kit.js';

/**
 * SpikingJelly's `PiecewiseExp` surrogate (SLAYER's gradient): `g'(x) = (α/2)·e^(−α|x|)`;
 * `g(x) = e^(αx)/2` for `x < 0` and `1 − e^(−αx)/2` for `x ≥ 0`. Default `α = 1`.
 */
export const piecewiseExp = defineSurrogate('piecewise-exp', {
  description: "SpikingJelly's PiecewiseExp: g'(x) = (α/2)·exp(−α|x|); α = 1",
  params: { alpha: positive(1) },
  formulas: ({ alpha }) => ({
    primitive: (x) => {
      const half = tf.div(tf.exp(tf.mul(tf.abs(x), -alpha)), 2);
      return tf.where(nonNegativeMask(x), tf.sub(1, half), half);
    },
    derivative: (x) => tf.mul(tf.exp(tf.mul(tf.abs(x), -alpha)), alpha / 2),
    native: { kind: SurrogateKind.PiecewiseExp, p: alpha, q: 0 },
  }),
});

/** Options of {@link piecewiseExp}. */
export type PiecewiseExpOptions = SurrogateOptionsOf<typeof piecewiseExp>;

/** Registry entry `neurons/piecewise-exp`. */
export const piecewiseExpDescriptor = piecewiseExp.descriptor;
