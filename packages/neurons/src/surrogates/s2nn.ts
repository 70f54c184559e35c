import { tf, type SurrogateDescriptor, type SurrogateFunction } from '@spikeflow/core';
import { z } from 'zod';
import { createSurrogate, finite, nonNegativeMask, parseSurrogateOptions, positive } from './surrogate-kit.js';

const schema = z.object({ alpha: positive(4), beta: finite(1) }).strict();

/** Options of {@link s2nn}. */
export type S2nnOptions = z.infer<typeof schema>;

/**
 * SpikingJelly's `S2NN` surrogate (Suetake et al. 2022), sigmoid-shaped below the threshold and
 * log-shaped above: `g'(x) = α·sigmoid(αx)·(1 − sigmoid(αx))` for `x < 0`, `β/(x + 1)` for `x ≥ 0`;
 * `g(x) = sigmoid(αx)` for `x < 0`, `β·ln(|x + 1| + 10⁻⁵) + 1/2` for `x ≥ 0`. Defaults `α = 4`, `β = 1`.
 *
 * The `10⁻⁵` is SpikingJelly's guard against `ln 0`; the backward pass uses the exact `β/(x + 1)`,
 * so the derivative of the primitive differs from it by about `β·10⁻⁵/(x + 1)²`, as in SpikingJelly.
 */
export function s2nn(options: Partial<S2nnOptions> = {}): SurrogateFunction {
  const { alpha, beta } = parseSurrogateOptions('s2nn', schema, options);
  return createSurrogate('s2nn', { alpha, beta }, {
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
  });
}

/** Registry entry `neurons/s2nn`. */
export const s2nnDescriptor: SurrogateDescriptor<S2nnOptions> = {
  id: 's2nn',
  description: "SpikingJelly's S2NN: g'(x) = α·sigmoid(αx)(1 − sigmoid(αx)) for x < 0, β/(x + 1) for x ≥ 0; α = 4, β = 1",
  options: schema,
  create: (options) => s2nn(options),
};
