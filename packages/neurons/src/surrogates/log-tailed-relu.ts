import { tf } from '@spikeflow/core';
import { defineSurrogate, finite, type SurrogateOptionsOf } from './surrogate-kit.js';

/**
 * SpikingJelly's `LogTailedReLU` surrogate (Cai et al., half-wave Gaussian quantization):
 * `g'(x) = α` for `x ≤ 0`, `1` for `0 < x ≤ 1`, `1/x` for `x > 1`; `g(x) = αx`, `x`, `ln x + 1` on
 * the same pieces. Default `α = 0`. Like LeakyKReLU its primitive is not a smooth step.
 */
export const logTailedRelu = defineSurrogate('log-tailed-relu', {
  description: "SpikingJelly's LogTailedReLU: g'(x) = α for x ≤ 0, 1 for 0 < x ≤ 1, 1/x for x > 1; α = 0",
  params: { alpha: finite(0) },
  formulas: ({ alpha }) => ({
    primitive: (x) => {
      // max(x, 1) keeps ln finite in the branch tf.where discards. Masks use greaterEqual, the one
      // comparison tfjs can differentiate through, so the primitive also works as a smooth forward.
      const tail = tf.add(tf.log(tf.maximum(x, 1)), 1);
      return tf.where(tf.greaterEqual(1, x), tf.where(tf.greaterEqual(0, x), tf.mul(x, alpha), x), tail);
    },
    derivative: (x) => {
      const tail = tf.div(1, tf.maximum(x, 1));
      return tf.where(tf.greaterEqual(1, x), tf.where(tf.greaterEqual(0, x), tf.fill(x.shape, alpha), tf.onesLike(x)), tail);
    },
  }),
});

/** Options of {@link logTailedRelu}. */
export type LogTailedReluOptions = SurrogateOptionsOf<typeof logTailedRelu>;

/** Registry entry `neurons/log-tailed-relu`. */
export const logTailedReluDescriptor = logTailedRelu.descriptor;
