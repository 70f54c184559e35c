import { tf } from '@spikeflow/core';
import { SurrogateKind } from '../fused/kernels/neuron-codes.js';
import { defineSurrogate, positive, type SurrogateOptionsOf } from './surrogate-kit.js';

/**
 * SpikingJelly's `PiecewiseQuadratic` surrogate (a triangular gradient window):
 * `g'(x) = α − α²|x|` for `|x| ≤ 1/α`, else 0; `g(x)` is 0 below `−1/α`, 1 above `1/α` and
 * `−(α²/2)·x|x| + αx + 1/2` between. Default `α = 1`.
 *
 * The primitive clamps x to the window first, which gives the same three pieces in one formula.
 */
export const piecewiseQuadratic = defineSurrogate('piecewise-quadratic', {
  description: "SpikingJelly's PiecewiseQuadratic: g'(x) = α − α²|x| for |x| ≤ 1/α, else 0; α = 1",
  params: { alpha: positive(1) },
  formulas: ({ alpha }) => {
    const edge = 1 / alpha;
    return {
      primitive: (x) => {
        const u = tf.clipByValue(x, -edge, edge);
        return tf.add(tf.add(tf.mul(tf.mul(u, tf.abs(u)), -(alpha * alpha) / 2), tf.mul(u, alpha)), 0.5);
      },
      // α − α²|x| is negative exactly where |x| > 1/α, so relu gives SpikingJelly's masked window.
      derivative: (x) => tf.relu(tf.sub(alpha, tf.mul(tf.abs(x), alpha * alpha))),
      native: { kind: SurrogateKind.PiecewiseQuadratic, p: alpha, q: alpha * alpha },
    };
  },
});

/** Options of {@link piecewiseQuadratic}. */
export type PiecewiseQuadraticOptions = SurrogateOptionsOf<typeof piecewiseQuadratic>;

/** Registry entry `neurons/piecewise-quadratic`. */
export const piecewiseQuadraticDescriptor = piecewiseQuadratic.descriptor;
