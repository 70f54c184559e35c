import { tf, type Tensor } from '../engine/tf.js';
import { SpikeflowError } from '../errors/spikeflow-error.js';
import { maxPool2d } from '../ops/max-pool.js';
import { checkPair, formatPair, shapeError } from './init.js';
import { foldTime, Module } from './module.js';

type Pair = number | readonly [number, number];

/** Shared shape handling of the 2-D pooling layers (NHWC, time folded into batch). */
abstract class Pool2dBase extends Module {
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];

  constructor(layer: string, kernelSize: Pair, stride: Pair | undefined, padding: Pair) {
    super();
    this.kernelSize = checkPair(layer, 'kernelSize', kernelSize);
    this.stride = checkPair(layer, 'stride', stride ?? kernelSize);
    this.padding = checkPair(layer, 'padding', padding, 0);
    // PyTorch's rule: a window must always overlap the input.
    if (this.padding.some((p, i) => 2 * p > this.kernelSize[i])) {
      throw new SpikeflowError('invalid-options', `${layer}: padding ${JSON.stringify(padding)} must be at most half the kernel size ${JSON.stringify(kernelSize)}`);
    }
  }

  /** Pool an `[N, H, W, C]` batch (padding included). */
  protected abstract pool(x: tf.Tensor4D): Tensor;

  override forward(x: Tensor): Tensor {
    if (x.rank !== 5) throw shapeError(this.describe(), '[T, B, H, W, C] (NHWC)', x);
    const [, , h, w] = x.shape;
    const [ph, pw] = this.padding;
    if (h + 2 * ph < this.kernelSize[0] || w + 2 * pw < this.kernelSize[1]) {
      throw shapeError(this.describe(), `[T, B, H, W, C] with H >= ${this.kernelSize[0] - 2 * ph} and W >= ${this.kernelSize[1] - 2 * pw}`, x);
    }
    const { folded, unfold } = foldTime(x);
    return unfold(this.pool(folded as tf.Tensor4D));
  }

  override describe(): string {
    const pad = this.padding[0] || this.padding[1] ? `, padding=${formatPair(this.padding)}` : '';
    return `${this.constructor.name}(kernelSize=${formatPair(this.kernelSize)}, stride=${formatPair(this.stride)}${pad})`;
  }
}

/**
 * Max pooling over NHWC feature maps, as `torch.nn.MaxPool2d` (floor mode): `[T, B, H, W, C]` in,
 * `[T, B, Ho, Wo, C]` out. `stride` defaults to the kernel size; padding is implicit -∞. The
 * gradient goes to each window's first maximum (row-major), as PyTorch, on every backend.
 *
 * @example
 * ```ts
 * const pool = new MaxPool2d(2); // 28x28 -> 14x14
 * ```
 */
export class MaxPool2d extends Pool2dBase {
  constructor(kernelSize: Pair, stride?: Pair, padding: Pair = 0) {
    super('MaxPool2d', kernelSize, stride, padding);
  }

  /** Uses the {@link maxPool2d} op: tfjs' own max-pool gradient on wasm loses windows whose maximum is <= 0. */
  protected pool(x: tf.Tensor4D): Tensor {
    return maxPool2d(x, this.kernelSize, this.stride, this.padding);
  }
}

/**
 * Average pooling over NHWC feature maps, as `torch.nn.AvgPool2d` (floor mode,
 * `count_include_pad=True`: zero padding counts in the average). `stride` defaults to the kernel size.
 *
 * @example
 * ```ts
 * const pool = new AvgPool2d(2); // 28x28 -> 14x14
 * ```
 */
export class AvgPool2d extends Pool2dBase {
  constructor(kernelSize: Pair, stride?: Pair, padding: Pair = 0) {
    super('AvgPool2d', kernelSize, stride, padding);
  }

  /** Zero padding, then 'valid' windows: padding counts in the average (count_include_pad=True). */
  protected pool(x: tf.Tensor4D): Tensor {
    const [ph, pw] = this.padding;
    const padded =
      ph || pw
        ? tf.pad(x, [
            [0, 0],
            [ph, ph],
            [pw, pw],
            [0, 0],
          ])
        : x;
    return tf.avgPool(padded as tf.Tensor4D, this.kernelSize, this.stride, 'valid');
  }
}
