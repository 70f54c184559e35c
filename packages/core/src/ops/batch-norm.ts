import { tf, type Tensor } from '../engine/tf.js';
import { SpikeflowError } from '../errors/spikeflow-error.js';
import type { BatchNormSync, BatchNormSyncPhase } from '../nn/batch-norm-sync.js';
import { customOp } from './custom-op.js';
import { bnBackwardKernel, bnForwardKernel, compiledLayerKernels } from './wasm-ops.js';

// Why a custom op: composed from tf.mean/tf.sub/..., batch norm reduces NHWC maps over several
// leading axes, which tfjs implements by transposing the reduced axes to the end (on wasm a
// [128,28,28,32] forward took ~0.4 s), and autodiff through the statistics adds a dozen more
// full-size ops. Here every per-channel sum is a matMul with a ones row (XNNPACK: ~2 ms for
// 3.2M values) and the backward pass is the closed form, four full-size ops.

/** The op's inputs `[x, weight?, bias?]` back as x, weight and bias (null where not given). */
function splitAffine(inputs: Tensor[], weight: Tensor | null, bias: Tensor | null): [Tensor, Tensor | null, Tensor | null] {
  return [inputs[0], weight ? inputs[1] : null, bias ? inputs[inputs.length - 1] : null];
}

/** The op's gradients in input order: dx, then dweight and dbias as `[C]` where weight and bias were given. */
function affineGrads(dx: Tensor, dWeight: Tensor, dBias: Tensor, weight: Tensor | null, bias: Tensor | null, c: number): Tensor[] {
  const grads = [dx];
  if (weight) grads.push(tf.reshape(dWeight, [c]));
  if (bias) grads.push(tf.reshape(dBias, [c]));
  return grads;
}

/** Result of {@link batchNormTrain}: the output and the batch statistics (for running averages). */
export interface BatchNormTrainResult {
  /** Normalised (and, with weight/bias, scaled and shifted) input, same shape as x. */
  readonly y: Tensor;
  /** Per-channel batch mean `[C]` (no gradient; the caller owns and disposes it). */
  readonly mean: Tensor;
  /** Per-channel biased batch variance `[C]` (no gradient; the caller owns and disposes it). */
  readonly variance: Tensor;
}

/** Per-channel sum of `x [M, C]` as `[1, C]`: a ones-row matMul, the fastest reduction in tfjs. */
function channelSum(ones: Tensor, x: Tensor): Tensor {
  return tf.matMul(ones as tf.Tensor2D, x as tf.Tensor2D);
}

/**
 * Training-mode batch normalisation of `x [M, C]` over its rows, PyTorch's formula:
 * `y = (x - mean) / sqrt(var + eps) · weight + bias` with the biased batch variance.
 * Gradients flow to x, weight and bias by the closed form
 * `dx = weight/σ · (dy - mean(dy) - x̂·mean(dy·x̂))`, `dweight = Σ dy·x̂`, `dbias = Σ dy`.
 *
 * @example
 * ```ts
 * const { y, mean, variance } = batchNormTrain(tf.reshape(x, [-1, c]), weight, bias, 1e-5);
 * tf.dispose([mean, variance]); // after updating running statistics with them
 * ```
 */
export function batchNormTrain(x: Tensor, weight: Tensor | null, bias: Tensor | null, eps: number): BatchNormTrainResult {
  if (x.rank !== 2) throw new SpikeflowError('shape-mismatch', `batchNormTrain: expected x [M, C], got [${x.shape}]`);
  const [m, c] = x.shape;
  for (const [name, t] of [
    ['weight', weight],
    ['bias', bias],
  ] as const) {
    if (t && (t.rank !== 1 || t.shape[0] !== c)) throw new SpikeflowError('shape-mismatch', `batchNormTrain: expected ${name} [${c}], got [${t.shape}]`);
  }
  const impl = compiledLayerKernels() ? compiledBatchNorm(eps) : composedBatchNorm(m, eps);
  let stats: { mean: Tensor; variance: Tensor } | undefined;
  const op = customOp((inputs, save) => {
    const [xi, wi, bi] = splitAffine(inputs, weight, bias);
    const { y, mean, invStd, variance } = impl.forward(xi, wi, bi);
    stats = { mean: tf.keep(tf.reshape(mean, [c])), variance: tf.keep(tf.reshape(variance, [c])) };
    save(wi ? [xi, mean, invStd, wi] : [xi, mean, invStd]);
    return {
      value: y,
      gradFunc: (dy, [xs, mu, inv, ws]) => {
        const [dx, dWeight, dBias] = impl.backward(dy, xs, mu, inv, ws ?? null);
        return affineGrads(dx, dWeight, dBias, weight, bias, c);
      },
    };
  });
  const y = op(x, ...(weight ? [weight] : []), ...(bias ? [bias] : []));
  return { y, mean: stats!.mean, variance: stats!.variance };
}

/** The forward (output, batch statistics) and closed-form backward of training-mode batch norm. */
interface BatchNormImpl {
  forward(x: Tensor, weight: Tensor | null, bias: Tensor | null): { y: Tensor; mean: Tensor; invStd: Tensor; variance: Tensor };
  /** [dx, dweight, dbias] (the last two of any shape with C elements). */
  backward(dy: Tensor, x: Tensor, mean: Tensor, invStd: Tensor, weight: Tensor | null): Tensor[];
}

/** Composed tf ops: the reference, and the path on backends without the compiled kernels. */
function composedBatchNorm(m: number, eps: number): BatchNormImpl {
  return {
    forward(xi, wi, bi) {
      const ones = tf.ones([1, m]);
      const mean = tf.mul(channelSum(ones, xi), 1 / m);
      const centered = tf.sub(xi, mean);
      // Two-pass variance (of the centred values): no cancellation when |mean| >> std.
      const variance = tf.mul(channelSum(ones, tf.square(centered)), 1 / m);
      const invStd = tf.rsqrt(tf.add(variance, eps));
      const scale = wi ? tf.mul(invStd, wi) : invStd;
      const scaled = tf.mul(centered, scale);
      return { y: bi ? tf.add(scaled, bi) : scaled, mean, invStd, variance };
    },
    backward(dy, xs, mu, inv, ws) {
      const onesB = tf.ones([1, m]);
      const xhat = tf.mul(tf.sub(xs, mu), inv);
      const dBias = channelSum(onesB, dy);
      const dWeight = channelSum(onesB, tf.mul(dy, xhat));
      const k = ws ? tf.mul(inv, ws) : inv;
      // dx = k·dy - (k·dWeight/M)·x̂ - k·dBias/M, with the [1, C] factors formed first.
      const a = tf.mul(k, -1 / m);
      const dx = tf.add(tf.add(tf.mul(dy, k), tf.mul(xhat, tf.mul(a, dWeight))), tf.mul(a, dBias));
      return [dx, dWeight, dBias];
    },
  };
}

/** Two compiled wasm kernels (wasm-ops.ts), tested against {@link composedBatchNorm}. */
function compiledBatchNorm(eps: number): BatchNormImpl {
  return {
    forward(xi, wi, bi) {
      const [y, mean, invStd, variance] = bnForwardKernel(xi, wi, bi, eps);
      return { y, mean, invStd, variance };
    },
    backward: (dy, xs, mu, inv, ws) => bnBackwardKernel(dy, xs, mu, inv, ws),
  };
}

/** Result of {@link batchNormTrainSynced}: {@link BatchNormTrainResult} plus the global row count. */
export interface SyncedBatchNormTrainResult extends BatchNormTrainResult {
  /** Rows per channel summed over all ranks (the `n` of the unbiased running variance). */
  readonly count: number;
}

/**
 * Training-mode batch norm of `x [M, C]` with statistics over the rows of every rank (PyTorch's
 * SyncBatchNorm). Forward: one `sync.allReduceSum` of `[Σ(x−k), Σ(x−k)², M]` per channel gives the
 * global mean and biased variance; `k` is `shift`, a per-channel value identical on every rank (the
 * running mean) that keeps the one-pass variance free of cancellation once it tracks the mean.
 * Backward: one `sync.allReduceSum` of `λ·[Σ dy, Σ dy·x̂]` gives the global sums the input gradient
 * needs, `dx = w/σ · (dy − (G₁ + x̂·G₂) / (λ·M_global))`; weight and bias gradients stay local
 * (`Σ dy·x̂`, `Σ dy` of this rank), to be averaged by the data-parallel trainer as any other.
 * Composed tf ops plus a few `[C]` read-backs: the collective is the cost, not the arithmetic.
 *
 * @example
 * ```ts
 * const { y, mean, variance, count } = batchNormTrainSynced(x2, weight, bias, 1e-5, sync, runningMean, 'BatchNorm2d(32)');
 * ```
 */
export function batchNormTrainSynced(
  x: Tensor,
  weight: Tensor | null,
  bias: Tensor | null,
  eps: number,
  sync: BatchNormSync,
  shift: Tensor,
  layer: string,
): SyncedBatchNormTrainResult {
  if (x.rank !== 2) throw new SpikeflowError('shape-mismatch', `batchNormTrainSynced: expected x [M, C], got [${x.shape}]`);
  const [m, c] = x.shape;
  for (const [name, t] of [
    ['weight', weight],
    ['bias', bias],
    ['shift', shift],
  ] as const) {
    if (t && (t.rank !== 1 || t.shape[0] !== c)) throw new SpikeflowError('shape-mismatch', `batchNormTrainSynced: expected ${name} [${c}], got [${t.shape}]`);
  }
  const lambda = sync.lossWeight ?? 1;
  if (!(lambda > 0 || (lambda === 0 && m === 0)) || !Number.isFinite(lambda))
    throw new SpikeflowError('invalid-options', `${layer}: the batch-norm sync's lossWeight must be a positive number (0 only for a rank without rows), got ${lambda}`);
  const reduce = (values: Float32Array, phase: BatchNormSyncPhase): Float32Array => {
    const r = sync.allReduceSum(values, { layer, phase });
    if (!(r instanceof Float32Array) || r.length !== values.length) {
      throw new SpikeflowError(
        'protocol-error',
        `${layer}: the batch-norm ${phase} all-reduce returned ${r instanceof Float32Array ? `${r.length} values` : typeof r}, expected ${values.length} float32 values`,
      );
    }
    return r;
  };
  let stats: { mean: Tensor; variance: Tensor; count: number } | undefined;
  const op = customOp((inputs, save) => {
    const [xi, wi, bi] = splitAffine(inputs, weight, bias);
    const k = tf.reshape(shift, [1, c]);
    const local = new Float32Array(2 * c + 1);
    // A rank without rows (the last, short global batch) still joins the sums, with zeros: a
    // matMul over an empty axis is not defined on every backend, so it is skipped.
    if (m > 0) {
      const ones = tf.ones([1, m]);
      const shifted = tf.sub(xi, k);
      local.set(channelSum(ones, shifted).dataSync() as Float32Array, 0);
      local.set(channelSum(ones, tf.square(shifted)).dataSync() as Float32Array, c);
    }
    local[2 * c] = m;
    const global = reduce(local, 'forward');
    const count = global[2 * c];
    if (!(count > 1) || !Number.isInteger(count))
      throw new SpikeflowError('shape-mismatch', `${layer}: expected more than 1 value per channel over all ranks when training, got ${count} (this rank has ${m})`);
    // Combined in float64: the same arithmetic on the same sums gives bit-identical stats everywhere.
    const kv = k.dataSync();
    const meanV = new Float32Array(c);
    const varV = new Float32Array(c);
    const invV = new Float32Array(c);
    for (let j = 0; j < c; j++) {
      const d = global[j] / count;
      const v = Math.max(0, global[c + j] / count - d * d);
      meanV[j] = kv[j] + d;
      varV[j] = v;
      invV[j] = 1 / Math.sqrt(v + eps);
    }
    const mean = tf.tensor2d(meanV, [1, c]);
    const invStd = tf.tensor2d(invV, [1, c]);
    stats = { mean: tf.keep(tf.tensor1d(meanV)), variance: tf.keep(tf.tensor1d(varV)), count };
    const scale = wi ? tf.mul(invStd, wi) : invStd;
    const scaled = tf.mul(tf.sub(xi, mean), scale);
    save(wi ? [xi, mean, invStd, wi] : [xi, mean, invStd]);
    return {
      value: bi ? tf.add(scaled, bi) : scaled,
      gradFunc: (dy, [xs, mu, inv, ws]) => {
        const onesB = tf.ones([1, m]);
        const xhat = tf.mul(tf.sub(xs, mu), inv);
        const dBias = m > 0 ? channelSum(onesB, dy) : tf.zeros([1, c]);
        const dWeight = m > 0 ? channelSum(onesB, tf.mul(dy, xhat)) : tf.zeros([1, c]);
        const sums = new Float32Array(2 * c);
        sums.set(dBias.dataSync() as Float32Array, 0);
        sums.set(dWeight.dataSync() as Float32Array, c);
        for (let j = 0; j < 2 * c; j++) sums[j] *= lambda;
        const g = reduce(sums, 'backward');
        if (m === 0) return [tf.zerosLike(dy), ...(weight ? [tf.zeros([c])] : []), ...(bias ? [tf.zeros([c])] : [])];
        const kk = ws ? tf.mul(inv, ws) : inv;
        // dx = k·dy + a·(G₁ + x̂·G₂) with a = −k/(λ·M): the [1, C] factors first, two full-size ops after.
        const a = tf.mul(kk, -1 / (lambda * count));
        const g1 = tf.tensor2d(g.subarray(0, c), [1, c]);
        const g2 = tf.tensor2d(g.subarray(c), [1, c]);
        const dx = tf.add(tf.add(tf.mul(dy, kk), tf.mul(xhat, tf.mul(a, g2))), tf.mul(a, g1));
        return affineGrads(dx, dWeight, dBias, weight, bias, c);
      },
    };
  });
  const y = op(x, ...(weight ? [weight] : []), ...(bias ? [bias] : []));
  return { y, mean: stats!.mean, variance: stats!.variance, count: stats!.count };
}
