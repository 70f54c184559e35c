import { tf, type Tensor } from '../engine/tf.js';
import { SpikeflowError } from '../errors/spikeflow-error.js';
import { conv2d, convGeometry } from '../ops/conv2d.js';
import { checkInt, checkPair, formatPair, shapeError, uniformInit } from './init.js';
import { foldTime, Module } from './module.js';

export interface Conv2dLayerOptions {
  /** Stride, one number or `[h, w]`. Default 1. */
  readonly stride?: number | readonly [number, number];
  /**
   * Zero padding: a number or `[h, w]` pads that many zeros on each side (PyTorch's `padding`);
   * `'valid'` is 0; `'same'` keeps `ceil(size / stride)` (TensorFlow's rule, which for stride 1
   * equals PyTorch's `padding='same'`; an even kernel pads the extra row/column at the
   * bottom/right). Default 0, as PyTorch.
   */
  readonly padding?: number | readonly [number, number] | 'same' | 'valid';
  /** Learn an additive per-channel bias. Default true. */
  readonly bias?: boolean;
}

/**
 * 2-D convolution over NHWC images, as `torch.nn.Conv2d`, multi-step: `[T, B, H, W, Cin]` in,
 * `[T, B, Ho, Wo, Cout]` out, time folded into batch.
 *
 * **Weight layout:** `weight` is HWIO `[kh, kw, Cin, Cout]` (PyTorch: OIHW `[Cout, Cin, kh, kw]`;
 * exporters permute it). Initialisation follows PyTorch: weight and bias `U(±1/√(Cin·kh·kw))`
 * from the global generator. The backward pass uses the {@link conv2d} op, which trains on the
 * wasm backend (where tfjs has no filter gradient) and runs its gradients as forward convolutions.
 *
 * @example
 * ```ts
 * const conv = new Conv2d(2, 32, 3, { padding: 1 });
 * const y = conv.forward(tf.zeros([4, 16, 34, 34, 2])); // [4, 16, 34, 34, 32]
 * ```
 */
export class Conv2d extends Module {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable | null;
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number] | 'same';

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: number | readonly [number, number],
    options: Conv2dLayerOptions = {},
  ) {
    super();
    checkInt('Conv2d', 'inChannels', inChannels);
    checkInt('Conv2d', 'outChannels', outChannels);
    this.kernelSize = checkPair('Conv2d', 'kernelSize', kernelSize);
    this.stride = checkPair('Conv2d', 'stride', options.stride ?? 1);
    const padding = options.padding ?? 0;
    this.padding = padding === 'same' ? 'same' : padding === 'valid' ? [0, 0] : checkPair('Conv2d', 'padding', padding, 0);
    const [kh, kw] = this.kernelSize;
    const bound = 1 / Math.sqrt(inChannels * kh * kw);
    this.weight = this.registerParameter('weight', uniformInit([kh, kw, inChannels, outChannels], bound));
    this.bias = (options.bias ?? true) ? this.registerParameter('bias', uniformInit([outChannels], bound)) : null;
  }

  override forward(x: Tensor): Tensor {
    if (x.rank !== 5 || x.shape[4] !== this.inChannels) throw shapeError(this.describe(), `[T, B, H, W, ${this.inChannels}] (NHWC)`, x);
    const [, , h, w] = x.shape;
    const g = convGeometry(h, w, this.kernelSize[0], this.kernelSize[1], this.stride[0], this.stride[1], this.padding);
    if (g.outH < 1 || g.outW < 1) {
      throw new SpikeflowError('shape-mismatch', `${this.describe()}: the kernel does not fit a ${h}x${w} input`, { actual: [...x.shape] });
    }
    const { folded, unfold } = foldTime(x);
    const y = conv2d(folded, this.weight, { strides: this.stride, padding: this.padding });
    return unfold(this.bias ? tf.add(y, this.bias) : y);
  }

  override describe(): string {
    const pad = this.padding === 'same' ? "'same'" : formatPair(this.padding);
    return `Conv2d(${this.inChannels}, ${this.outChannels}, kernelSize=${formatPair(this.kernelSize)}, stride=${formatPair(this.stride)}, padding=${pad}${this.bias ? '' : ', bias=false'})`;
  }
}
