import { tf, type SurrogateDescriptor, type SurrogateFunction } from '@spikeflow/core';
import { z } from 'zod';
import { createSurrogate, parseSurrogateOptions, positive } from './surrogate-kit.js';

const schema = z.object({ alpha: positive(2) }).strict();

/** Options of {@link erf}. */
export type ErfOptions = z.infer<typeof schema>;

/**
 * SpikingJelly's `Erf` surrogate (a Gaussian gradient): `g(x) = erfc(−αx)/2 = (1 + erf(αx))/2`,
 * `g'(x) = (α/√π)·e^(−α²x²)`. Default `α = 2`.
 */
export function erf(options: Partial<ErfOptions> = {}): SurrogateFunction {
  const { alpha } = parseSurrogateOptions('erf', schema, options);
  return createSurrogate('erf', { alpha }, {
    primitive: (x) => tf.div(tf.add(tf.erf(tf.mul(x, alpha)), 1), 2),
    derivative: (x) => tf.mul(tf.exp(tf.neg(tf.square(tf.mul(x, alpha)))), alpha / Math.sqrt(Math.PI)),
  });
}

/** Registry entry `neurons/erf`. */
export const erfDescriptor: SurrogateDescriptor<ErfOptions> = {
  id: 'erf',
  description: "SpikingJelly's Erf: g(x) = erfc(−αx)/2, g'(x) = (α/√π)·exp(−α²x²); α = 2",
  options: schema,
  create: (options) => erf(options),
};
