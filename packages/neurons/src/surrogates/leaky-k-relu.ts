import { tf, type SurrogateDescriptor, type SurrogateFunction } from '@spikeflow/core';
import { z } from 'zod';
import { createSurrogate, finite, nonNegativeMask, parseSurrogateOptions } from './surrogate-kit.js';

const schema = z.object({ leak: finite(0), k: finite(1) }).strict();

/** Options of {@link leakyKRelu}. */
export type LeakyKReluOptions = z.infer<typeof schema>;

/**
 * SpikingJelly's `LeakyKReLU` surrogate: `g'(x) = k` for `x ≥ 0`, `leak` for `x < 0`;
 * `g(x) = k·x` for `x ≥ 0`, `leak·x` for `x < 0`. Defaults `leak = 0`, `k = 1` (a ReLU gradient:
 * only neurons at or above threshold pass gradient).
 */
export function leakyKRelu(options: Partial<LeakyKReluOptions> = {}): SurrogateFunction {
  const { leak, k } = parseSurrogateOptions('leaky-k-relu', schema, options);
  return createSurrogate('leaky-k-relu', { leak, k }, {
    primitive: (x) => tf.where(nonNegativeMask(x), tf.mul(x, k), tf.mul(x, leak)),
    derivative: (x) => tf.where(nonNegativeMask(x), tf.fill(x.shape, k), tf.fill(x.shape, leak)),
  });
}

/** Registry entry `neurons/leaky-k-relu`. */
export const leakyKReluDescriptor: SurrogateDescriptor<LeakyKReluOptions> = {
  id: 'leaky-k-relu',
  description: "SpikingJelly's LeakyKReLU: g'(x) = k for x ≥ 0, leak for x < 0; leak = 0, k = 1",
  options: schema,
  create: (options) => leakyKRelu(options),
};
