import { SpikeflowError, tf, type Tensor } from '@spikeflow/core';

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

/** Throws `invalid-options` unless `numFeatures` is a positive integer. */
export function checkFeatures(layer: string, numFeatures: number): void {
  if (!Number.isInteger(numFeatures) || numFeatures < 1) throw new SpikeflowError('invalid-options', `${layer}: numFeatures must be a positive integer, got ${numFeatures}`);
}

/** The time steps of a layer that keeps something per step (`why`, for the message), checked: a positive integer. */
export function stepCount(layer: string, timeSteps: number, why: string): number {
  if (!Number.isInteger(timeSteps) || timeSteps < 1) throw new SpikeflowError('invalid-options', `${layer}: timeSteps must be a positive integer (${why}), got ${timeSteps}`);
  return timeSteps;
}

/** Throws `shape-mismatch` unless `x` has the `timeSteps` steps a per-step layer was built for. */
export function checkStepInput(layer: string, x: Tensor, timeSteps: number): void {
  if (x.shape[0] !== timeSteps) throw new SpikeflowError('shape-mismatch', `${layer}: expected T=${timeSteps} time steps, got input [${x.shape}]`);
}

/** Throws unless `x` is time-first `[T, B, ..., C]` (rank 3 or 5) with `channels` channels. */
export function checkNormInput(layer: string, x: Tensor, channels: number): void {
  if ((x.rank !== 3 && x.rank !== 5) || x.shape[x.rank - 1] !== channels) {
    throw new SpikeflowError('shape-mismatch', `${layer}: expected [T, B, ${channels}] or [T, B, H, W, ${channels}] (NHWC), got [${x.shape}]`, { actual: [...x.shape] });
  }
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
