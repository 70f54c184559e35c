import { tf, type Tensor } from '../engine/tf.js';
import { passDataMark } from '../ops/data-tensor.js';
import { shapeError } from './init.js';
import { Module } from './module.js';

/**
 * Flatten every axis after time and batch: `[T, B, ...]` to `[T, B, prod(...)]`.
 *
 * Feature maps are NHWC, so the flattened order is (h, w, c), not PyTorch's (c, h, w); a Linear
 * layer after Flatten therefore has its input rows permuted relative to a PyTorch model, which
 * exporters/importers must account for.
 *
 * @example
 * ```ts
 * new Flatten().forward(tf.zeros([4, 8, 7, 7, 32])).shape; // [4, 8, 1568]
 * ```
 */
export class Flatten extends Module {
  override forward(x: Tensor): Tensor {
    if (x.rank < 3) throw shapeError(this.describe(), '[T, B, ...] with at least one feature axis', x);
    const [t, b] = x.shape;
    return passDataMark(x, tf.reshape(x, [t, b, x.shape.slice(2).reduce((p, d) => p * d, 1)]));
  }

  override describe(): string {
    return 'Flatten()';
  }
}
