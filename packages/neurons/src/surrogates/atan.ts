import { tf, type SurrogateDescriptor, type SurrogateFunction } from '@spikeflow/core';
import { z } from 'zod';
import { createSurrogate, parseSurrogateOptions, positive } from './surrogate-kit.js';

const schema = z.object({ alpha: positive(2) }).strict();

/** Options of {@link atan}. */
export type ATanOptions = z.infer<typeof schema>;

/**
 * SpikingJelly's `ATan` surrogate: `g(x) = arctan(π/2·αx)/π + 1/2`,
 * `g'(x) = (α/2) / (1 + (π/2·αx)²)`, default `α = 2` (peak gradient 1). Its heavy tails keep
 * gradients alive far from the threshold, which is why SpikingJelly's examples use it.
 */
export function atan(options: Partial<ATanOptions> = {}): SurrogateFunction {
  const { alpha } = parseSurrogateOptions('atan', schema, options);
  const scale = (Math.PI / 2) * alpha;
  return createSurrogate('atan', { alpha }, {
    primitive: (x) => tf.add(tf.div(tf.atan(tf.mul(x, scale)), Math.PI), 0.5),
    derivative: (x) => tf.div(alpha / 2, tf.add(1, tf.square(tf.mul(x, scale)))),
  }, { kind: 1, p: alpha, q: scale });
}

/** Registry entry `neurons/atan`. */
export const atanDescriptor: SurrogateDescriptor<ATanOptions> = {
  id: 'atan',
  description: "SpikingJelly's ATan: g(x) = arctan(π/2·αx)/π + 1/2, g'(x) = (α/2)/(1 + (π/2·αx)²); α = 2",
  options: schema,
  create: (options) => atan(options),
};
