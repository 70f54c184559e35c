import { tf, type Tensor } from '../engine/tf.js';

/**
 * Repeat `x` at every one of `T` time steps: `[...] -> [T, ...]`. Built from a concat of T
 * references (a row copy on every backend; wasm's Tile kernel walks elements one by one, and
 * tfjs has no Tile gradient above rank 4); the backward sums the T slices.
 *
 * @example
 * ```ts
 * const seq = repeatTime(images, 8); // [B, 28, 28, 1] -> [8, B, 28, 28, 1]
 * ```
 */
export function repeatTime(x: Tensor, T: number): Tensor {
  return tf.tidy(() => {
    const flat = tf.reshape(x, [1, x.size]);
    return tf.reshape(tf.concat(new Array<Tensor>(T).fill(flat), 0), [T, ...x.shape]);
  });
}
