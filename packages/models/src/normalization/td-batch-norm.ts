import { Module, SpikeflowError, tf, type Tensor } from '@spikeflow/core';
import { checkNormInput, normSettings, sharedStatisticsNorm, type NormOptions } from './channel-stats.js';

export interface TdBatchNormOptions extends NormOptions {
  /** α of tdBN: the normalised input is scaled to α·V_th. Default 1. */
  readonly alpha?: number;
  /** V_th of the neurons this layer feeds. Default 1. */
  readonly vThreshold?: number;
}

/**
 * Threshold-dependent batch normalisation (tdBN, Zheng et al., AAAI 2021) on time-first input
 * `[T, B, C]` or `[T, B, H, W, C]`: statistics per channel over time, batch and space together,
 * `y = γ·(x − μ)/√(σ² + ε) + β` with γ initialised to `α·V_th`, so pre-activations start at the
 * scale of the firing threshold. Parameters `weight` (γ), `bias` (β); buffers `running_mean`,
 * `running_var` with PyTorch's update rule, used in eval mode.
 *
 * @example
 * ```ts
 * const bn = new TdBatchNorm(64, { alpha: 1, vThreshold: 0.5 }); // γ starts at 0.5
 * const y = bn.forward(x); // x [T, B, H, W, 64]
 * ```
 */
export class TdBatchNorm extends Module {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable;
  readonly runningMean: tf.Variable;
  readonly runningVar: tf.Variable;
  readonly eps: number;
  readonly momentum: number;
  readonly alpha: number;
  readonly vThreshold: number;

  constructor(readonly numFeatures: number, options: TdBatchNormOptions = {}) {
    super();
    if (!Number.isInteger(numFeatures) || numFeatures < 1) throw new SpikeflowError('invalid-options', `TdBatchNorm: numFeatures must be a positive integer, got ${numFeatures}`);
    ({ eps: this.eps, momentum: this.momentum } = normSettings('TdBatchNorm', options));
    this.alpha = options.alpha ?? 1;
    this.vThreshold = options.vThreshold ?? 1;
    if (!Number.isFinite(this.alpha * this.vThreshold)) throw new SpikeflowError('invalid-options', `TdBatchNorm: alpha and vThreshold must be finite, got ${this.alpha} and ${this.vThreshold}`);
    this.weight = this.registerParameter('weight', tf.fill([numFeatures], this.alpha * this.vThreshold));
    this.bias = this.registerParameter('bias', tf.zeros([numFeatures]));
    this.runningMean = this.registerBuffer('running_mean', tf.zeros([numFeatures]));
    this.runningVar = this.registerBuffer('running_var', tf.ones([numFeatures]));
  }

  override forward(x: Tensor): Tensor {
    checkNormInput(this.describe(), x, this.numFeatures);
    return sharedStatisticsNorm(this, x);
  }

  override describe(): string {
    return `TdBatchNorm(${this.numFeatures}, alpha=${this.alpha}, vThreshold=${this.vThreshold})`;
  }
}
