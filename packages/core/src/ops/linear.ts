import { tf, type Tensor } from '../engine/tf.js';
import { SpikeflowError } from '../errors/spikeflow-error.js';
import { customOp } from './custom-op.js';

// Why a custom gradient: tfjs' built-in MatMul gradient computes dx and dw with the
// transposeA/transposeB flags, which the wasm backend serves from a slow generic loop instead
// of XNNPACK (transposeA ~20x, transposeB ~10x slower than a plain matMul on
// [1024x784]x[784x512]). An explicit tf.transpose followed by a plain matMul stays on the fast
// path. On the cpu backend the explicit transposes cost within noise of the flags (measured),
// so one code path serves every backend.

/** `dx = dy·wᵀ` and `dw = xᵀ·dy`, transposing explicitly. */
function matMulGrads(dy: Tensor, x: Tensor, w: Tensor): Tensor[] {
  const [d, a, b] = [dy as tf.Tensor2D, x as tf.Tensor2D, w as tf.Tensor2D];
  return [tf.matMul(d, tf.transpose(b)), tf.matMul(tf.transpose(a), d)];
}

const linearNoBias = customOp(([x, w], save) => {
  save([x, w]);
  return {
    value: tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D),
    gradFunc: (dy, [xs, ws]) => matMulGrads(dy, xs, ws),
  };
});

const linearWithBias = customOp(([x, w, b], save) => {
  save([x, w]);
  return {
    value: tf.fused.matMul({ a: x as tf.Tensor2D, b: w as tf.Tensor2D, bias: b }),
    gradFunc: (dy, [xs, ws]) => [...matMulGrads(dy, xs, ws), tf.sum(dy, 0)],
  };
});

/**
 * Affine map `y = x·w + b` for `x [N, in]`, `w [in, out]`, `b [out]`, with a backward pass
 * (`dx = dy·wᵀ`, `dw = xᵀ·dy`, `db = Σₙ dy`) that transposes explicitly instead of using tfjs'
 * transposed-matMul kernels, which are slow on wasm.
 *
 * Note the weight layout `[in, out]` (PyTorch stores `[out, in]`).
 *
 * @example
 * ```ts
 * const y = linear(tf.ones([8, 784]), w, b); // [8, 512] for w [784, 512], b [512]
 * ```
 */
export function linear(x: Tensor, w: Tensor, b?: Tensor): Tensor {
  if (x.rank !== 2 || w.rank !== 2 || x.shape[1] !== w.shape[0]) {
    throw new SpikeflowError('shape-mismatch', `linear: expected x [N, in] and w [in, out] with matching 'in', got x [${x.shape}] and w [${w.shape}]`);
  }
  if (b === undefined) return linearNoBias(x, w);
  if (b.rank !== 1 || b.shape[0] !== w.shape[1]) {
    throw new SpikeflowError('shape-mismatch', `linear: expected bias [${w.shape[1]}], got [${b.shape}]`);
  }
  return linearWithBias(x, w, b);
}
