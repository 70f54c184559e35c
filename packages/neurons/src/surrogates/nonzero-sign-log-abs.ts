import { tf } from '@spikeflow/core';
import { defineSurrogate, nonNegativeMask, positive, type SurrogateOptionsOf } from './surrogate-kit.js';

/**
 * SpikingJelly's `NonzeroSignLogAbs` surrogate, chosen for a very cheap backward pass:
 * `g'(x) = 1/(1/α + |x|)`, `g(x) = NonzeroSign(x)·ln(|αx| + 1)` where `NonzeroSign(x)` is 1 for
 * `x ≥ 0` and −1 otherwise. Default `α = 1`. Note the primitive's range is not (0, 1).
 */
export const nonzeroSignLogAbs = defineSurrogate('nonzero-sign-log-abs', {
  description: "SpikingJelly's NonzeroSignLogAbs: g(x) = NonzeroSign(x)·ln(|αx| + 1), g'(x) = 1/(1/α + |x|); α = 1",
  params: { alpha: positive(1) },
  formulas: ({ alpha }) => ({
    primitive: (x) => {
      const sign = tf.where(nonNegativeMask(x), tf.onesLike(x), tf.neg(tf.onesLike(x)));
      return tf.mul(sign, tf.log1p(tf.mul(tf.abs(x), alpha)));
    },
    derivative: (x) => tf.div(1, tf.add(tf.abs(x), 1 / alpha)),
  }),
});

/** Options of {@link nonzeroSignLogAbs}. */
export type NonzeroSignLogAbsOptions = SurrogateOptionsOf<typeof nonzeroSignLogAbs>;

/** Registry entry `neurons/nonzero-sign-log-abs`. */
export const nonzeroSignLogAbsDescriptor = nonzeroSignLogAbs.descriptor;
