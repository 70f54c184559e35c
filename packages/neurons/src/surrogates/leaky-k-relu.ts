import { tf } from '@spikeflow/core';
import { defineSurrogate, finite, nonNegativeMask, type SurrogateOptionsOf } from './surrogate-kit.js';

/**
 * SpikingJelly's `LeakyKReLU` surrogate: `g'(x) = k` for `x ≥ 0`, `leak` for `x < 0`;
 * `g(x) = k·x` for `x ≥ 0`, `leak·x` for `x < 0`. Defaults `leak = 0`, `k = 1` (a ReLU gradient:
 * only neurons at or above threshold pass gradient).
 */
export const leakyKRelu = defineSurrogate('leaky-k-relu', {
  description: "SpikingJelly's LeakyKReLU: g'(x) = k for x ≥ 0, leak for x < 0; leak = 0, k = 1",
  params: { leak: finite(0), k: finite(1) },
  formulas: ({ leak, k }) => ({
    primitive: (x) => tf.where(nonNegativeMask(x), tf.mul(x, k), tf.mul(x, leak)),
    derivative: (x) => tf.where(nonNegativeMask(x), tf.fill(x.shape, k), tf.fill(x.shape, leak)),
  }),
});

/** Options of {@link leakyKRelu}. */
export type LeakyKReluOptions = SurrogateOptionsOf<typeof leakyKRelu>;

/** Registry entry `neurons/leaky-k-relu`. */
export const leakyKReluDescriptor = leakyKRelu.descriptor;
