import { tf, type Tensor } from '../engine/tf.js';
import { SpikeflowError } from '../errors/spikeflow-error.js';
import { customOp } from './custom-op.js';
import { parallelMatMul } from '../engine/parallel-pool.js';
import { isDataTensor } from './data-tensor.js';
import { sparseMatMul, sparseMatMulGradW, useEventDriven } from './spike-matmul.js';

// Why a custom gradient: tfjs' built-in MatMul gradient computes dx and dw with the
// transposeA/transposeB flags, which the wasm backend serves from a slow generic loop instead
// of XNNPACK (transposeA ~20x, transposeB ~10x slower than a plain matMul on
// [1024x784]x[784x512]). An explicit tf.transpose followed by a plain matMul stays on the fast
// path. On the cpu backend the explicit transposes cost within noise of the flags (measured),
// so one code path serves every backend.

/**
 * `dx = dy·wᵀ` and `dw = xᵀ·dy`, transposing explicitly. `dx` is zeros when x is input data (no
 * parameter upstream, see data-tensor.ts); `dw` is accumulated event-driven when the forward was.
 */
function matMulGrads(dy: Tensor, x: Tensor, w: Tensor, how: LinearPlan): Tensor[] {
  const [d, a, b] = [dy as tf.Tensor2D, x as tf.Tensor2D, w as tf.Tensor2D];
  const dx = how.dataInput ? tf.zeros(a.shape) : parallelMatMul(d, tf.transpose(b));
  const dw = how.eventDriven ? sparseMatMulGradW(a, d) : parallelMatMul(tf.transpose(a), d);
  return [dx, dw];
}

/** What a linear call decided at forward time. */
interface LinearPlan {
  /** The input is data: its gradient is never read. */
  readonly dataInput: boolean;
  /** The input is sparse enough for the event-driven products (forward and weight gradient). */
  readonly eventDriven: boolean;
}

function plan(x: Tensor): LinearPlan {
  return { dataInput: isDataTensor(x), eventDriven: useEventDriven(x) };
}

/** The linear op for one call: customGrad computes every input's gradient, so the plan rides along. */
function linearOp(how: LinearPlan, withBias: boolean): (...inputs: Tensor[]) => Tensor {
  return customOp(([x, w, b], save) => {
    save([x, w]);
    let value: Tensor;
    if (how.eventDriven) value = withBias ? tf.add(sparseMatMul(x, w), b) : sparseMatMul(x, w);
    else value = withBias ? tf.add(parallelMatMul(x as tf.Tensor2D, w as tf.Tensor2D), b) : parallelMatMul(x as tf.Tensor2D, w as tf.Tensor2D);
    return {
      value,
      gradFunc: (dy, [xs, ws]) => (withBias ? [...matMulGrads(dy, xs, ws, how), tf.sum(dy, 0)] : matMulGrads(dy, xs, ws, how)),
    };
  });
}

/**
 * Affine map `y = x·w + b` for `x [N, in]`, `w [in, out]`, `b [out]`, with a backward pass
 * (`dx = dy·wᵀ`, `dw = xᵀ·dy`, `db = Σₙ dy`) that transposes explicitly instead of using tfjs'
 * transposed-matMul kernels, which are slow on wasm.
 *
 * Event-driven: when `x` is sparse (spikes; density below {@link EVENT_DRIVEN_MAX_DENSITY}, measured
 * per call) the forward and `dw` accumulate only the rows selected by non-zero inputs
 * (spike-matmul.ts); {@link setEventDriven} forces either product. A data input (marked by the
 * trainer) gets no `dx` computed.
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
  if (b === undefined) return linearOp(plan(x), false)(x, w);
  if (b.rank !== 1 || b.shape[0] !== w.shape[1]) {
    throw new SpikeflowError('shape-mismatch', `linear: expected bias [${w.shape[1]}], got [${b.shape}]`);
  }
  return linearOp(plan(x), true)(x, w, b);
}
