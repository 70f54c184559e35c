import { tf, type SurrogateDescriptor, type SurrogateFunction } from '@spikeflow/core';
import { z } from 'zod';
import { createSurrogate, parseSurrogateOptions, positive } from './surrogate-kit.js';

const schema = z.object({ alpha: positive(2) }).strict();

/** Options of {@link softSign}. */
export type SoftSignOptions = z.infer<typeof schema>;

/**
 * SpikingJelly's `SoftSign` surrogate: `g(x) = (αx / (1 + |αx|) + 1) / 2`,
 * `g'(x) = 1 / (2α·(1/α + |x|)²) = α / (2·(1 + |αx|)²)`. Default `α = 2`; SpikingJelly asserts `α > 0`.
 */
export function softSign(options: Partial<SoftSignOptions> = {}): SurrogateFunction {
  const { alpha } = parseSurrogateOptions('soft-sign', schema, options);
  return createSurrogate('soft-sign', { alpha }, {
    primitive: (x) => {
      const ax = tf.mul(x, alpha);
      return tf.div(tf.add(tf.div(ax, tf.add(1, tf.abs(ax))), 1), 2);
    },
    derivative: (x) => tf.div(1, tf.mul(tf.square(tf.add(tf.abs(x), 1 / alpha)), 2 * alpha)),
  }, { kind: 5, p: alpha, q: 1 / alpha });
}

/** Registry entry `neurons/soft-sign`. */
export const softSignDescriptor: SurrogateDescriptor<SoftSignOptions> = {
  id: 'soft-sign',
  description: "SpikingJelly's SoftSign: g(x) = (αx/(1 + |αx|) + 1)/2, g'(x) = 1/(2α(1/α + |x|)²); α = 2",
  options: schema,
  create: (options) => softSign(options),
};
