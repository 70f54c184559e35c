import { tf } from '@spikeflow/core';
import { SurrogateKind } from '../fused/kernels/neuron-codes.js';
import { defineSurrogate, positive, type SurrogateOptionsOf } from './surrogate-kit.js';

/**
 * SpikingJelly's `SuperSpike` surrogate (Zenke & Ganguli 2018): `g'(x) = α / (1 + |x|)²`,
 * default `α = 1`. In SpikingJelly α scales the height, not the width.
 *
 * SpikingJelly defines no primitive for SuperSpike (it raises `NotImplementedError`); the
 * interface needs one, so this uses the antiderivative `g(x) = α·x / (1 + |x|) + 1/2`, centred at
 * 1/2 at the threshold like the other primitives.
 */
export const superSpike = defineSurrogate('super-spike', {
  description: "SpikingJelly's SuperSpike: g'(x) = α/(1 + |x|)²; α = 1",
  params: { alpha: positive(1) },
  formulas: ({ alpha }) => ({
    primitive: (x) => tf.add(tf.mul(tf.div(x, tf.add(1, tf.abs(x))), alpha), 0.5),
    derivative: (x) => tf.div(alpha, tf.square(tf.add(tf.abs(x), 1))),
    native: { kind: SurrogateKind.SuperSpike, p: alpha, q: 0 },
  }),
});

/** Options of {@link superSpike}. */
export type SuperSpikeOptions = SurrogateOptionsOf<typeof superSpike>;

/** Registry entry `neurons/super-spike`. */
export const superSpikeDescriptor = superSpike.descriptor;
