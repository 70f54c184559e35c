import { SpikeflowError, type Tensor } from '@spikeflow/core';
import { checkNormInput, type NormOptions } from './channel-stats.js';
import { SharedStatisticsNorm } from './shared-statistics-norm.js';

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
export class TdBatchNorm extends SharedStatisticsNorm {
  readonly alpha: number;
  readonly vThreshold: number;

  constructor(numFeatures: number, options: TdBatchNormOptions = {}) {
    const alpha = options.alpha ?? 1;
    const vThreshold = options.vThreshold ?? 1;
    if (!Number.isFinite(alpha * vThreshold)) throw new SpikeflowError('invalid-options', `TdBatchNorm: alpha and vThreshold must be finite, got ${alpha} and ${vThreshold}`);
    super('TdBatchNorm', numFeatures, options, alpha * vThreshold);
    this.alpha = alpha;
    this.vThreshold = vThreshold;
  }

  override forward(x: Tensor): Tensor {
    checkNormInput(this.describe(), x, this.numFeatures);
    return this.normalize(x);
  }

  override describe(): string {
    return `TdBatchNorm(${this.numFeatures}, alpha=${this.alpha}, vThreshold=${this.vThreshold})`;
  }
}
