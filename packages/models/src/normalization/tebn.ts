import { tf, type Tensor } from '@spikeflow/core';
import { checkFeatures, checkNormInput, checkStepInput, stepCount, type NormOptions } from './channel-stats.js';
import { SharedStatisticsNorm } from './shared-statistics-norm.js';

export interface TEBNOptions extends NormOptions {
  /** Number of time steps T (one learnable scale per step). */
  readonly timeSteps: number;
}

/**
 * Temporal effective batch normalisation (TEBN, Duan et al., NeurIPS 2022) on `[T, B, C]` or
 * `[T, B, H, W, C]`: batch norm with statistics shared over T·B (and space) and per-channel γ, β,
 * then a learnable scale per time step, `y[t] = p[t]·(γ·x̂[t] + β)`, p initialised to 1
 * (one scalar per step, as the authors' code). Parameters `weight`, `bias`, `scale [T]` (SpikingJelly's names);
 * buffers `running_mean`, `running_var` (eval mode normalises with them and still applies p).
 *
 * @example
 * ```ts
 * const bn = new TEBN(64, { timeSteps: 4 });
 * const y = bn.forward(x); // x [4, B, H, W, 64]
 * ```
 */
export class TEBN extends SharedStatisticsNorm {
  readonly stepScale: tf.Variable;
  readonly timeSteps: number;

  constructor(numFeatures: number, options: TEBNOptions) {
    checkFeatures('TEBN', numFeatures); // before timeSteps, so a bad numFeatures is the error reported
    const timeSteps = stepCount('TEBN', options?.timeSteps, 'one scale per step');
    super('TEBN', numFeatures, options, 1);
    this.timeSteps = timeSteps;
    // Registered after the shared statistics' tensors; parameters stay in the order weight, bias, scale.
    this.stepScale = this.registerParameter('scale', tf.ones([timeSteps]));
  }

  override forward(x: Tensor): Tensor {
    checkNormInput(this.describe(), x, this.numFeatures);
    checkStepInput(this.describe(), x, this.timeSteps);
    const bn = this.normalize(x);
    return tf.mul(bn, tf.reshape(this.stepScale, [this.timeSteps, ...Array<number>(x.rank - 1).fill(1)]));
  }

  override describe(): string {
    return `TEBN(${this.numFeatures}, timeSteps=${this.timeSteps})`;
  }
}
