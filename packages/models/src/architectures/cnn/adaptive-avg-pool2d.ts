import { Module, SpikeflowError, foldTime, tf, type Tensor } from '@spikeflow/core';

/** `[out, size]` averaging matrix of PyTorch's adaptive bins: row i averages `[floor(i·n/o), ceil((i+1)·n/o))`. */
function binMatrix(out: number, size: number): tf.Tensor2D {
  const m = new Float32Array(out * size);
  for (let i = 0; i < out; i++) {
    const start = Math.floor((i * size) / out);
    const end = Math.ceil(((i + 1) * size) / out);
    for (let j = start; j < end; j++) m[i * size + j] = 1 / (end - start);
  }
  return tf.tensor2d(m, [out, size]);
}

/**
 * Adaptive average pooling over NHWC feature maps, as `torch.nn.AdaptiveAvgPool2d`: any
 * `[T, B, H, W, C]` becomes `[T, B, oh, ow, C]`, output cell (i, j) averaging rows
 * `floor(i·H/oh) .. ceil((i+1)·H/oh)` and the same for columns (bins may overlap, and a bin is
 * repeated when the output is larger than the input, as torchvision's VGG does to a 1x1 map).
 *
 * The bins are separable, so the pool is two small matrix products (one per spatial axis); a
 * 1x1 output is a plain mean and an output equal to the input is the identity.
 *
 * @example
 * ```ts
 * const gap = new AdaptiveAvgPool2d(1); // global average pool: [T, B, 7, 7, 512] -> [T, B, 1, 1, 512]
 * const vggPool = new AdaptiveAvgPool2d(7); // [T, B, 1, 1, 512] -> [T, B, 7, 7, 512]
 * ```
 */
export class AdaptiveAvgPool2d extends Module {
  readonly outputSize: [number, number];

  constructor(outputSize: number | readonly [number, number]) {
    super();
    const p = typeof outputSize === 'number' ? [outputSize, outputSize] : [...outputSize];
    if (p.length !== 2 || p.some((v) => !Number.isInteger(v) || v < 1)) {
      throw new SpikeflowError('invalid-options', `AdaptiveAvgPool2d: outputSize must be a positive integer or a pair [h, w] of them, got ${JSON.stringify(outputSize)}`);
    }
    this.outputSize = [p[0], p[1]];
  }

  override forward(x: Tensor): Tensor {
    if (x.rank !== 5) throw new SpikeflowError('shape-mismatch', `${this.describe()}: expected input [T, B, H, W, C] (NHWC), got [${x.shape.join(', ')}]`);
    const [, , h, w, c] = x.shape;
    const [oh, ow] = this.outputSize;
    if (oh === h && ow === w) return x;
    const { folded, unfold } = foldTime(x);
    const n = folded.shape[0];
    if (oh === 1 && ow === 1) return unfold(tf.mean(folded, [1, 2], true));
    return tf.tidy(() => {
      // H axis: [H, N·W·C] -> [oh, N·W·C]; then W axis the same way.
      const byH = tf.matMul(binMatrix(oh, h), tf.reshape(tf.transpose(folded, [1, 0, 2, 3]), [h, n * w * c]));
      const rows = tf.transpose(tf.reshape(byH, [oh, n, w, c]), [2, 0, 1, 3]); // [W, oh, N, C]
      const byW = tf.matMul(binMatrix(ow, w), tf.reshape(rows, [w, oh * n * c]));
      return unfold(tf.transpose(tf.reshape(byW, [ow, oh, n, c]), [2, 1, 0, 3]));
    });
  }

  override describe(): string {
    const [h, w] = this.outputSize;
    return `AdaptiveAvgPool2d(${h === w ? h : `[${h}, ${w}]`})`;
  }
}
