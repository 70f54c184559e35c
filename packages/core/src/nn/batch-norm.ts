import { tf, type Tensor } from '../engine/tf.js';
import { SpikeflowError } from '../errors/spikeflow-error.js';
import { batchNormTrain, batchNormTrainSynced } from '../ops/batch-norm.js';
import { getBatchNormSync } from './batch-norm-sync.js';
import { checkInt, shapeError } from './init.js';
import { Module } from './module.js';

export interface BatchNormOptions {
  /** Added to the variance before the square root. Default 1e-5. */
  readonly eps?: number;
  /** Weight of the current batch in the running statistics. Default 0.1 (PyTorch's convention). */
  readonly momentum?: number;
  /** Learn a per-channel scale (`weight`) and shift (`bias`). Default true. */
  readonly affine?: boolean;
}

/**
 * Batch normalisation over the last (channel) axis with PyTorch's conventions; the subclasses
 * fix the input rank. Training normalises with the batch statistics over every other axis
 * (time included: SpikingJelly's SeqToANNContainer folds T into the batch) using the biased
 * variance, and updates `running_var` with the unbiased one; eval mode uses the running stats.
 * Training runs on the {@link batchNormTrain} op (closed-form backward, matMul reductions), or,
 * while a {@link BatchNormSync} is installed ({@link setBatchNormSync}), on
 * {@link batchNormTrainSynced} with statistics over all ranks (PyTorch's SyncBatchNorm).
 */
abstract class BatchNormBase extends Module {
  readonly weight: tf.Variable | null;
  readonly bias: tf.Variable | null;
  readonly runningMean: tf.Variable;
  readonly runningVar: tf.Variable;
  readonly eps: number;
  readonly momentum: number;

  protected abstract readonly inputLayout: string;
  protected abstract readonly inputRank: number;

  constructor(
    readonly numFeatures: number,
    options: BatchNormOptions,
    layer: string,
  ) {
    super();
    checkInt(layer, 'numFeatures', numFeatures);
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum ?? 0.1;
    if (!(this.eps > 0) || !Number.isFinite(this.eps)) throw new SpikeflowError('invalid-options', `${layer}: eps must be a positive number, got ${this.eps}`);
    if (!(this.momentum >= 0 && this.momentum <= 1)) throw new SpikeflowError('invalid-options', `${layer}: momentum must be in [0, 1], got ${this.momentum}`);
    const affine = options.affine ?? true;
    this.weight = affine ? this.registerParameter('weight', tf.ones([numFeatures])) : null;
    this.bias = affine ? this.registerParameter('bias', tf.zeros([numFeatures])) : null;
    this.runningMean = this.registerBuffer('running_mean', tf.zeros([numFeatures]));
    this.runningVar = this.registerBuffer('running_var', tf.ones([numFeatures]));
  }

  override forward(x: Tensor): Tensor {
    if (x.rank !== this.inputRank || x.shape[x.rank - 1] !== this.numFeatures) throw shapeError(this.describe(), this.inputLayout, x);
    if (this.training) {
      // Channels are last, so [..., C] -> [M, C] is free and every statistic is a per-column one.
      const x2 = tf.reshape(x, [-1, this.numFeatures]);
      const n = x2.shape[0];
      const sync = getBatchNormSync();
      if (sync) {
        // Statistics over every rank's rows (checked there: more than one row in total).
        const { y, mean, variance, count } = batchNormTrainSynced(x2, this.weight, this.bias, this.eps, sync, this.runningMean, this.describe());
        this.updateRunningStats(mean, variance, count);
        tf.dispose([mean, variance]);
        return tf.reshape(y, x.shape);
      }
      if (n < 2) throw new SpikeflowError('shape-mismatch', `${this.describe()}: expected more than 1 value per channel when training, got input [${x.shape.join(', ')}]`);
      const { y, mean, variance } = batchNormTrain(x2, this.weight, this.bias, this.eps);
      this.updateRunningStats(mean, variance, n);
      tf.dispose([mean, variance]);
      return tf.reshape(y, x.shape);
    }
    // Eval: one per-channel affine map, y = x·scale + shift.
    const invStd = tf.rsqrt(tf.add(this.runningVar, this.eps));
    const scale = this.weight ? tf.mul(invStd, this.weight) : invStd;
    const shift = tf.sub(this.bias ?? 0, tf.mul(this.runningMean, scale));
    return tf.add(tf.mul(x, scale), shift);
  }

  /**
   * `running = (1 - m)·running + m·batch`, with the unbiased variance (`n / (n - 1)`), as PyTorch.
   * The batch statistics come out of the batch-norm op's forward pass, which tfjs runs with the
   * gradient tape paused, so these updates are never differentiated; the tidy frees the
   * temporaries and `assign` swaps the buffers' data in place.
   */
  private updateRunningStats(mean: Tensor, variance: Tensor, n: number): void {
    const m = this.momentum;
    tf.tidy(() => {
      this.runningMean.assign(tf.add(tf.mul(this.runningMean, 1 - m), tf.mul(mean, m)));
      this.runningVar.assign(tf.add(tf.mul(this.runningVar, 1 - m), tf.mul(variance, (m * n) / (n - 1))));
    });
  }

  override describe(): string {
    const extra = [this.eps !== 1e-5 ? `eps=${this.eps}` : '', this.momentum !== 0.1 ? `momentum=${this.momentum}` : '', this.weight ? '' : 'affine=false'].filter(Boolean);
    return `${this.constructor.name}(${[String(this.numFeatures), ...extra].join(', ')})`;
  }
}

/**
 * Batch normalisation of NHWC feature maps, as `torch.nn.BatchNorm2d` in SpikingJelly's
 * multi-step mode: input `[T, B, H, W, C]`, statistics per channel over T·B·H·W.
 * Parameters `weight`, `bias`; buffers `running_mean`, `running_var` (PyTorch's names).
 *
 * @example
 * ```ts
 * const bn = new BatchNorm2d(32);
 * const y = bn.forward(x); // x [T, B, H, W, 32]
 * bn.eval(); // now normalises with the running statistics
 * ```
 */
export class BatchNorm2d extends BatchNormBase {
  protected readonly inputLayout: string;
  protected readonly inputRank = 5;

  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super(numFeatures, options, 'BatchNorm2d');
    this.inputLayout = `[T, B, H, W, ${numFeatures}] (NHWC)`;
  }
}

/**
 * Batch normalisation of feature vectors, as `torch.nn.BatchNorm1d` on `[N, C]` with time folded
 * into the batch: input `[T, B, F]`, statistics per feature over T·B.
 *
 * @example
 * ```ts
 * const bn = new BatchNorm1d(512);
 * const y = bn.forward(tf.randomNormal([4, 32, 512]));
 * ```
 */
export class BatchNorm1d extends BatchNormBase {
  protected readonly inputLayout: string;
  protected readonly inputRank = 3;

  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super(numFeatures, options, 'BatchNorm1d');
    this.inputLayout = `[T, B, ${numFeatures}]`;
  }
}
