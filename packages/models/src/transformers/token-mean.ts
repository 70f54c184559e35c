import { Module, tf, type Tensor } from '@spikeflow/core';
import { checkTokens } from './spiking-self-attention.js';

/**
 * Global average over the tokens: `[T, B, H, W, C]` to `[T, B, C]` (the transformers' classifier
 * input, `x.flatten(3).mean(3)` in the reference code).
 *
 * @example
 * ```ts
 * new TokenMean().forward(tf.zeros([4, 2, 8, 8, 384])).shape; // [4, 2, 384]
 * ```
 */
export class TokenMean extends Module {
  override forward(x: Tensor): Tensor {
    checkTokens('TokenMean', x, x.shape[4]!);
    return tf.mean(x, [2, 3]);
  }
}
