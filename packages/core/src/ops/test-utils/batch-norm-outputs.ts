import { tf, type Tensor } from '../../engine/tf.js';
import { Rng } from '../../util/rng.js';
import { batchNormTrain } from '../batch-norm.js';
import { randnData } from './compare.js';

/**
 * Training batch norm of x [M, C] and the gradients of `sum(y · r)`: `[y, mean, variance, dx, dweight,
 * dbias]`, the tensors the compiled-kernel specs compare with the composed ops.
 */
export function batchNormOutputs(x: Tensor, w: Tensor, b: Tensor, r: Tensor): Tensor[] {
  return tf.tidy(() => {
    const res = batchNormTrain(x, w, b, 1e-5);
    const grads = tf.grads((a: Tensor, ww: Tensor, bb: Tensor) => {
      const o = batchNormTrain(a, ww, bb, 1e-5);
      tf.dispose([o.mean, o.variance]);
      return tf.sum(tf.mul(o.y, r));
    })([x, w, b]);
    return [res.y, res.mean, res.variance, ...grads];
  });
}

/**
 * Seeded data for {@link batchNormOutputs}: x [m, c] with channel k around `mean + k`, weight and bias [c],
 * and the upstream gradient r [m, c], drawn in that order.
 */
export function batchNormData(seed: string, m: number, c: number, mean: number): { xData: Float32Array; wData: Float32Array; bData: Float32Array; rData: Float32Array } {
  const rng = new Rng(seed);
  const xData = Float32Array.from(randnData(m * c, rng), (v, i) => mean + (i % c) + v);
  const wData = randnData(c, rng);
  const bData = randnData(c, rng);
  return { xData, wData, bData, rData: randnData(m * c, rng) };
}
