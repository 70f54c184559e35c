import { SpikeflowError, batchNormTrain, tf, type Tensor } from '@spikeflow/core';

/** Options every normalisation layer of this folder shares (PyTorch's BatchNorm conventions). */
export interface NormOptions {
  /** Added to the variance before the square root. Default 1e-5. */
  readonly eps?: number;
  /** Weight of the current batch in the running statistics. Default 0.1. */
  readonly momentum?: number;
}

/** Validated eps and momentum (shared by the layers so the messages read the same). */
export function normSettings(layer: string, options: NormOptions): { eps: number; momentum: number } {
  const eps = options.eps ?? 1e-5;
  const momentum = options.momentum ?? 0.1;
  if (!(eps > 0) || !Number.isFinite(eps)) throw new SpikeflowError('invalid-options', `${layer}: eps must be a positive number, got ${eps}`);
  if (!(momentum >= 0 && momentum <= 1)) throw new SpikeflowError('invalid-options', `${layer}: momentum must be in [0, 1], got ${momentum}`);
  return { eps, momentum };
}

/** Throws unless `x` is time-first `[T, B, ..., C]` (rank 3 or 5) with `channels` channels. */
export function checkNormInput(layer: string, x: Tensor, channels: number): void {
  if ((x.rank !== 3 && x.rank !== 5) || x.shape[x.rank - 1] !== channels) {
    throw new SpikeflowError('shape-mismatch', `${layer}: expected [T, B, ${channels}] or [T, B, H, W, ${channels}] (NHWC), got [${x.shape}]`, { actual: [...x.shape] });
  }
}

/** A normalisation layer with one set of statistics over all of T, B and space (tdBN, TEBN). */
export interface SharedStatisticsLayer {
  readonly training: boolean;
  readonly numFeatures: number;
  readonly weight: tf.Variable;
  readonly bias: tf.Variable;
  readonly runningMean: tf.Variable;
  readonly runningVar: tf.Variable;
  readonly eps: number;
  readonly momentum: number;
  describe(): string;
}

/**
 * `γ·(x − μ)/√(σ² + ε) + β` per channel of `x` with the batch statistics over every other axis in
 * training (updating the running ones), the running statistics in eval mode.
 */
export function sharedStatisticsNorm(layer: SharedStatisticsLayer, x: Tensor): Tensor {
  if (layer.training) {
    const x2 = tf.reshape(x, [-1, layer.numFeatures]);
    const n = x2.shape[0];
    if (n < 2) throw new SpikeflowError('shape-mismatch', `${layer.describe()}: expected more than 1 value per channel when training, got [${x.shape}]`);
    const { y, mean, variance } = batchNormTrain(x2, layer.weight, layer.bias, layer.eps);
    updateRunning({ mean: layer.runningMean, variance: layer.runningVar }, mean, variance, n, layer.momentum);
    tf.dispose([mean, variance]);
    return tf.reshape(y, x.shape);
  }
  const scale = tf.mul(tf.rsqrt(tf.add(layer.runningVar, layer.eps)), layer.weight);
  return tf.add(tf.mul(x, scale), tf.sub(layer.bias, tf.mul(layer.runningMean, scale)));
}

/**
 * `running = (1 − m)·running + m·batch` with the unbiased variance (`n / (n − 1)`), PyTorch's rule.
 * `mean`/`variance` come from the batch-norm op with the tape paused, so this is never differentiated.
 */
export function updateRunning(running: { mean: tf.Variable; variance: tf.Variable }, mean: Tensor, variance: Tensor, n: number, m: number): void {
  tf.tidy(() => {
    running.mean.assign(tf.add(tf.mul(running.mean, 1 - m), tf.mul(mean, m)));
    running.variance.assign(tf.add(tf.mul(running.variance, 1 - m), tf.mul(variance, (m * n) / (n - 1))));
  });
}
