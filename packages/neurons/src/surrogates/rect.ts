import { tf } from '@spikeflow/core';
import { SurrogateKind } from '../fused/kernels/neuron-codes.js';
import { defineSurrogate, positive, type SurrogateOptionsOf } from './surrogate-kit.js';

/**
 * SpikingJelly's `Rect` surrogate (a rectangular window, the straight-through estimator of
 * STBP): `g(x) = clip(αx + 1/2, 0, 1)`, `g'(x) = α` for `|x| < 1/(2α)`, else 0. Default `α = 1`.
 */
export const rect = defineSurrogate('rect', {
  description: "SpikingJelly's Rect: g(x) = clip(αx + 1/2, 0, 1), g'(x) = α for |x| < 1/(2α), else 0; α = 1",
  params: { alpha: positive(1) },
  formulas: ({ alpha }) => ({
    primitive: (x) => tf.clipByValue(tf.add(tf.mul(x, alpha), 0.5), 0, 1),
    // α where |x| < 1/(2α): written as α·(1 − [|x| ≥ 1/(2α)]) since greaterEqual is differentiable in tfjs.
    derivative: (x) => tf.mul(tf.sub(1, tf.cast(tf.greaterEqual(tf.abs(x), 0.5 / alpha), 'float32')), alpha),
    native: { kind: SurrogateKind.Rect, p: alpha, q: 0.5 / alpha },
  }),
});

/** Options of {@link rect}. */
export type RectOptions = SurrogateOptionsOf<typeof rect>;

/** Registry entry `neurons/rect`. */
export const rectDescriptor = rect.descriptor;
