import { tf } from '@spikeflow/core';
import { SurrogateKind } from '../fused/kernels/neuron-codes.js';
import { defineSurrogate, finite, positive, type SurrogateOptionsOf } from './surrogate-kit.js';

/**
 * SpikingJelly's `PiecewiseLeakyReLU` surrogate: `g'(x) = 1/(2w)` for `|x| < w`, else `c`;
 * `g(x) = cx + cw` below `−w`, `x/(2w) + 1/2` on `[−w, w]`, `cx − cw + 1` above `w`.
 * Defaults `w = 1`, `c = 0.01`; SpikingJelly asserts `w > 0`.
 *
 * The inner slope is `1/(2w)`, as SpikingJelly's PyTorch backward has computed since August 2023
 * (it matches the primitive); releases before that used `1/w`.
 */
export const piecewiseLeakyRelu = defineSurrogate('piecewise-leaky-relu', {
  description: "SpikingJelly's PiecewiseLeakyReLU: g'(x) = 1/(2w) for |x| < w, else c; w = 1, c = 0.01",
  params: { w: positive(1), c: finite(0.01) },
  formulas: ({ w, c }) => ({
    primitive: (x) => {
      // Clamp to the window for the middle piece; the part of x outside it rises with slope c.
      const u = tf.clipByValue(x, -w, w);
      return tf.add(tf.add(tf.div(u, 2 * w), 0.5), tf.mul(tf.sub(x, u), c));
    },
    derivative: (x) => tf.where(tf.greaterEqual(tf.abs(x), w), tf.fill(x.shape, c), tf.fill(x.shape, 1 / (2 * w))),
    native: { kind: SurrogateKind.PiecewiseLeakyRelu, p: w, q: c },
  }),
});

/** Options of {@link piecewiseLeakyRelu}. */
export type PiecewiseLeakyReluOptions = SurrogateOptionsOf<typeof piecewiseLeakyRelu>;

/** Registry entry `neurons/piecewise-leaky-relu`. */
export const piecewiseLeakyReluDescriptor = piecewiseLeakyRelu.descriptor;
