import { tf, type Tensor } from '../engine/tf.js';
import { Module } from './module.js';

/**
 * A parameterless last layer that gives a network's flat output `[T, B, prod(shape)]` the shape of
 * a multi-dimensional regression target, `[T, B, ...shape]` (e.g. `[horizon, series]`), so the
 * architectures, which produce `numClasses` outputs per step, serve forecasting targets unchanged.
 * `sf.model(..., { outputShape })` appends it (and records it, so `sf.loadModel` rebuilds it).
 *
 * @example
 * ```ts
 * model.append(new ShapedOutput([24, 7]), 'shape'); // [T, B, 168] → [T, B, 24, 7]
 * ```
 */
export class ShapedOutput extends Module {
  constructor(readonly shape: readonly number[]) {
    super();
  }

  override forward(x: Tensor): Tensor {
    return tf.reshape(x, [x.shape[0]!, x.shape[1]!, ...this.shape]);
  }
}
