import { tf } from '@spikeflow/core';
import { defineSurrogate, finite, nonNegativeMask, positive, type SurrogateOptionsOf } from './surrogate-kit.js';

/**
 * SpikingJelly's `S2NN` surrogate (Suetake et al. 2022), sigmoid-shaped below the threshold and
 * log-shaped above: `g'(x) = α·sigmoid(αx)·(1 − sigmoid(αx))` for `x < 0`, `β/(x + 1)` for `x ≥ 0`;
 * `g(x) = sigmoid(αx)` for `x < 0`, `β·ln(|x + 1| + 10⁻⁵) + 1/2` for `x ≥ 0`. Defaults `α = 4`, `β = 1`.
 *
 * The `10⁻⁵` is SpikingJelly's guard against `ln 0`; the backward pass uses the exact `β/(x + 1)`,
 * so the derivative of the primitive differs from it by about `β·10⁻⁵/(x + 1)²`, as in SpikingJelly.
 */
export const s2nn = defineSurrogate('s2nn', {
  description: "SpikingJelly's S2NN: g'(x) = α·sigmoid(αx)(1 − sigmoid(αx)) for x < 0, β/(x + 1) for x ≥ 0; α = 4, β = 1",
  params: { alpha: positive(4), beta: finite(1) },
  formulas: ({ alpha, beta }) => ({
    primitive: (x) => {
      const below = tf.sigmoid(tf.mul(x, alpha));
      const above = tf.add(tf.mul(tf.log(tf.add(tf.abs(tf.add(x, 1)), 1e-5)), beta), 0.5);
      return tf.where(nonNegativeMask(x), above, below);
    },
    derivative: (x) => {
      const s = tf.sigmoid(tf.mul(x, alpha));
      const below = tf.mul(tf.mul(s, tf.sub(1, s)), alpha);
      const above = tf.div(beta, tf.add(x, 1));
      return tf.where(nonNegativeMask(x), above, below);
    },
  }),
});

/** Options of {@link s2nn}. */
export type S2nnOptions = SurrogateOptionsOf<typeof s2nn>;

/** Registry entry `neurons/s2nn`. */
export const s2nnDescriptor = s2nn.descriptor;
