import { tf } from '@spikeflow/core';
import { defineSurrogate, positive, type SurrogateOptionsOf } from './surrogate-kit.js';

/**
 * SpikingJelly's `Erf` surrogate (a Gaussian gradient): `g(x) = erfc(−αx)/2 = (1 + erf(αx))/2`,
 * `g'(x) = (α/√π)·e^(−α²x²)`. Default `α = 2`.
 */
export const erf = defineSurrogate('erf', {
  description: "SpikingJelly's Erf: g(x) = erfc(−αx)/2, g'(x) = (α/√π)·exp(−α²x²); α = 2",
  params: { alpha: positive(2) },
  formulas: ({ alpha }) => ({
    primitive: (x) => tf.div(tf.add(tf.erf(tf.mul(x, alpha)), 1), 2),
    derivative: (x) => tf.mul(tf.exp(tf.neg(tf.square(tf.mul(x, alpha)))), alpha / Math.sqrt(Math.PI)),
  }),
});

/** Options of {@link erf}. */
export type ErfOptions = SurrogateOptionsOf<typeof erf>;

/** Registry entry `neurons/erf`. */
export const erfDescriptor = erf.descriptor;
