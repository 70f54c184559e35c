import { tf, type SurrogateDescriptor, type SurrogateFunction } from '@spikeflow/core';
import { z } from 'zod';
import { createSurrogate, parseSurrogateOptions, positive } from './surrogate-kit.js';

const schema = z.object({ alpha: positive(1) }).strict();

/** Options of {@link rect}. */
export type RectOptions = z.infer<typeof schema>;

/**
 * SpikingJelly's `Rect` surrogate (a rectangular window, the straight-through estimator of
 * STBP): `g(x) = clip(αx + 1/2, 0, 1)`, `g'(x) = α` for `|x| < 1/(2α)`, else 0. Default `α = 1`.
 */
export function rect(options: Partial<RectOptions> = {}): SurrogateFunction {
  const { alpha } = parseSurrogateOptions('rect', schema, options);
  return createSurrogate('rect', { alpha }, {
    primitive: (x) => tf.clipByValue(tf.add(tf.mul(x, alpha), 0.5), 0, 1),
    // α where |x| < 1/(2α): written as α·(1 − [|x| ≥ 1/(2α)]) since greaterEqual is differentiable in tfjs.
    derivative: (x) => tf.mul(tf.sub(1, tf.cast(tf.greaterEqual(tf.abs(x), 0.5 / alpha), 'float32')), alpha),
  }, { kind: 7, p: alpha, q: 0.5 / alpha });
}

/** Registry entry `neurons/rect`. */
export const rectDescriptor: SurrogateDescriptor<RectOptions> = {
  id: 'rect',
  description: "SpikingJelly's Rect: g(x) = clip(αx + 1/2, 0, 1), g'(x) = α for |x| < 1/(2α), else 0; α = 1",
  options: schema,
  create: (options) => rect(options),
};
