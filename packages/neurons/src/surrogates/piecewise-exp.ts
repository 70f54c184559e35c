import { tf, type SurrogateDescriptor, type SurrogateFunction } from '@spikeflow/core';
import { z } from 'zod';
import { createSurrogate, nonNegativeMask, parseSurrogateOptions, positive } from './surrogate-kit.js';

const schema = z.object({ alpha: positive(1) }).strict();

/** Options of {@link piecewiseExp}. */
export type PiecewiseExpOptions = z.infer<typeof schema>;

/**
 * SpikingJelly's `PiecewiseExp` surrogate (SLAYER's gradient): `g'(x) = (α/2)·e^(−α|x|)`;
 * `g(x) = e^(αx)/2` for `x < 0` and `1 − e^(−αx)/2` for `x ≥ 0`. Default `α = 1`.
 */
export function piecewiseExp(options: Partial<PiecewiseExpOptions> = {}): SurrogateFunction {
  const { alpha } = parseSurrogateOptions('piecewise-exp', schema, options);
  return createSurrogate('piecewise-exp', { alpha }, {
    primitive: (x) => {
      const half = tf.div(tf.exp(tf.mul(tf.abs(x), -alpha)), 2);
      return tf.where(nonNegativeMask(x), tf.sub(1, half), half);
    },
    derivative: (x) => tf.mul(tf.exp(tf.mul(tf.abs(x), -alpha)), alpha / 2),
  }, { kind: 4, p: alpha, q: 0 });
}

/** Registry entry `neurons/piecewise-exp`. */
export const piecewiseExpDescriptor: SurrogateDescriptor<PiecewiseExpOptions> = {
  id: 'piecewise-exp',
  description: "SpikingJelly's PiecewiseExp: g'(x) = (α/2)·exp(−α|x|); α = 1",
  options: schema,
  create: (options) => piecewiseExp(options),
};
