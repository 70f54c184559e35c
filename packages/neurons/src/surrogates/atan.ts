import { tf } from '@spikeflow/core';
import { SurrogateKind } from '../fused/kernels/neuron-codes.js';
import { defineSurrogate, positive, type SurrogateOptionsOf } from './surrogate-kit.js';

/**
 * SpikingJelly's `ATan` surrogate: `g(x) = arctan(π/2·αx)/π + 1/2`,
 * `g'(x) = (α/2) / (1 + (π/2·αx)²)`, default `α = 2` (peak gradient 1). Its heavy tails keep
 * gradients alive far from the threshold, which is why SpikingJelly's examples use it.
 */
export const atan = defineSurrogate('atan', {
  description: "SpikingJelly's ATan: g(x) = arctan(π/2·αx)/π + 1/2, g'(x) = (α/2)/(1 + (π/2·αx)²); α = 2",
  params: { alpha: positive(2) },
  formulas: ({ alpha }) => {
    const scale = (Math.PI / 2) * alpha;
    return {
      primitive: (x) => tf.add(tf.div(tf.atan(tf.mul(x, scale)), Math.PI), 0.5),
      derivative: (x) => tf.div(alpha / 2, tf.add(1, tf.square(tf.mul(x, scale)))),
      native: { kind: SurrogateKind.Atan, p: alpha, q: scale },
    };
  },
});

/** Options of {@link atan}. */
export type ATanOptions = SurrogateOptionsOf<typeof atan>;

/** Registry entry `neurons/atan`. */
export const atanDescriptor = atan.descriptor;
