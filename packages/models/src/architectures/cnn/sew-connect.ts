import { SpikeflowError, tf, type Tensor } from '@spikeflow/core';

/** SEW-ResNet's element-wise functions g(A, S) joining a block's spikes A and its input spikes S. */
export type SewConnect = 'ADD' | 'AND' | 'IAND';

/** The connect functions, for option schemas. */
export const SEW_CONNECT_FUNCTIONS: readonly SewConnect[] = ['ADD', 'AND', 'IAND'];

/**
 * SEW-ResNet's connect function (Fang et al. 2021, "Deep Residual Learning in Spiking Neural
 * Networks"): `a` is the residual branch's output spikes, `b` the shortcut's (the block input, or
 * the downsampled input). ADD `a + b` (may exceed 1: the next block sees integers), AND `a·b`,
 * IAND `(1 − a)·b` (b passes where the branch is silent). On {0, 1} spikes AND and IAND are the
 * logical gates; the products keep them differentiable for surrogate gradients.
 *
 * @example
 * ```ts
 * sewConnect('IAND', tf.tensor([1, 0]), tf.tensor([1, 1])); // [0, 1]
 * ```
 */
export function sewConnect(kind: SewConnect, a: Tensor, b: Tensor): Tensor {
  switch (kind) {
    case 'ADD':
      return tf.add(a, b);
    case 'AND':
      return tf.mul(a, b);
    case 'IAND':
      return tf.tidy(() => tf.mul(tf.sub(1, a), b));
    default:
      throw new SpikeflowError('invalid-options', `SEW connect function must be one of ${SEW_CONNECT_FUNCTIONS.join(', ')}, got ${JSON.stringify(kind)}`);
  }
}
