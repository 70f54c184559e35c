import { tf, type SurrogateDescriptor, type SurrogateFunction } from '@spikeflow/core';
import { z } from 'zod';
import { createSurrogate, parseSurrogateOptions, positive } from './surrogate-kit.js';

const schema = z.object({ alpha: positive(1) }).strict();

/** Options of {@link superSpike}. */
export type SuperSpikeOptions = z.infer<typeof schema>;

/**
 * SpikingJelly's `SuperSpike` surrogate (Zenke & Ganguli 2018): `g'(x) = α / (1 + |x|)²`,
 * default `α = 1`. In SpikingJelly α scales the height, not the width.
 *
 * SpikingJelly defines no primitive for SuperSpike (it raises `NotImplementedError`); the
 * interface needs one, so this uses the antiderivative `g(x) = α·x / (1 + |x|) + 1/2`, centred at
 * 1/2 at the threshold like the other primitives.
 */
export function superSpike(options: Partial<SuperSpikeOptions> = {}): SurrogateFunction {
  const { alpha } = parseSurrogateOptions('super-spike', schema, options);
  return createSurrogate('super-spike', { alpha }, {
    primitive: (x) => tf.add(tf.mul(tf.div(x, tf.add(1, tf.abs(x))), alpha), 0.5),
    derivative: (x) => tf.div(alpha, tf.square(tf.add(tf.abs(x), 1))),
  }, { kind: 6, p: alpha, q: 0 });
}

/** Registry entry `neurons/super-spike`. */
export const superSpikeDescriptor: SurrogateDescriptor<SuperSpikeOptions> = {
  id: 'super-spike',
  description: "SpikingJelly's SuperSpike: g'(x) = α/(1 + |x|)²; α = 1",
  options: schema,
  create: (options) => superSpike(options),
};
