import { tf, type Tensor } from '../engine/tf.js';
import { passDataMark } from '../ops/data-tensor.js';
import { linear } from '../ops/linear.js';
import { checkInt, shapeError, uniformInit } from './init.js';
import { Module } from './module.js';

export interface LinearOptions {
  /** Learn an additive bias. Default true. */
  readonly bias?: boolean;
}

/**
 * Fully connected layer `y = x·W + b` over the last axis, as `torch.nn.Linear`; every leading
 * axis (time, batch, ...) is folded into one batch axis, so `[T, B, in]` maps to `[T, B, out]`.
 *
 * **Weight layout:** `weight` is `[inFeatures, outFeatures]`, the transpose of PyTorch's
 * `[out, in]`, so the forward pass is a plain matMul; exporters transpose it.
 * Initialisation follows PyTorch: weight and bias `U(-1/√in, 1/√in)`, drawn from the global
 * generator (seed it with `manualSeed` for a reproducible model).
 *
 * The backward pass uses the {@link linear} op (explicit transposes instead of tfjs' slow
 * transposed-matMul gradient).
 *
 * @example
 * ```ts
 * const fc = new Linear(784, 512);
 * const y = fc.forward(tf.zeros([4, 32, 784])); // [4, 32, 512]
 * ```
 */
export class Linear extends Module {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable | null;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    options: LinearOptions = {},
  ) {
    super();
    checkInt('Linear', 'inFeatures', inFeatures);
    checkInt('Linear', 'outFeatures', outFeatures);
    const bound = 1 / Math.sqrt(inFeatures);
    this.weight = this.registerParameter('weight', uniformInit([inFeatures, outFeatures], bound));
    this.bias = (options.bias ?? true) ? this.registerParameter('bias', uniformInit([outFeatures], bound)) : null;
  }

  override forward(x: Tensor): Tensor {
    if (x.rank < 3 || x.shape[x.rank - 1] !== this.inFeatures) throw shapeError(this.describe(), `[T, B, ..., ${this.inFeatures}]`, x);
    const lead = x.shape.slice(0, -1);
    const y = linear(passDataMark(x, tf.reshape(x, [-1, this.inFeatures])), this.weight, this.bias ?? undefined);
    return tf.reshape(y, [...lead, this.outFeatures]);
  }

  override describe(): string {
    return `Linear(${this.inFeatures}, ${this.outFeatures}${this.bias ? '' : ', bias=false'})`;
  }
}
