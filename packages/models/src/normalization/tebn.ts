import { Module, SpikeflowError, tf, type Tensor } from '@spikeflow/core';
import { checkNormInput, normSettings, sharedStatisticsNorm, type NormOptions } from './channel-stats.js';

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
export class TEBN extends Module {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable;
  readonly stepScale: tf.Variable;
  readonly runningMean: tf.Variable;
  readonly runningVar: tf.Variable;
  readonly eps: number;
  readonly momentum: number;
  readonly timeSteps: number;

  constructor(readonly numFeatures: number, options: TEBNOptions) {
    super();
    if (!Number.isInteger(numFeatures) || numFeatures < 1) throw new SpikeflowError('invalid-options', `TEBN: numFeatures must be a positive integer, got ${numFeatures}`);
    this.timeSteps = options?.timeSteps;
    if (!Number.isInteger(this.timeSteps) || this.timeSteps < 1) throw new SpikeflowError('invalid-options', `TEBN: timeSteps must be a positive integer (one scale per step), got ${this.timeSteps}`);
    ({ eps: this.eps, momentum: this.momentum } = normSettings('TEBN', options));
    this.weight = this.registerParameter('weight', tf.ones([numFeatures]));
    this.bias = this.registerParameter('bias', tf.zeros([numFeatures]));
    this.stepScale = this.registerParameter('scale', tf.ones([this.timeSteps]));
    this.runningMean = this.registerBuffer('running_mean', tf.zeros([numFeatures]));
    this.runningVar = this.registerBuffer('running_var', tf.ones([numFeatures]));
  }

  override forward(x: Tensor): Tensor {
    checkNormInput(this.describe(), x, this.numFeatures);
    if (x.shape[0] !== this.timeSteps) throw new SpikeflowError('shape-mismatch', `${this.describe()}: expected T=${this.timeSteps} time steps, got input [${x.shape}]`);
    const bn = sharedStatisticsNorm(this, x);
    return tf.mul(bn, tf.reshape(this.stepScale, [this.timeSteps, ...Array<number>(x.rank - 1).fill(1)]));
  }

  override describe(): string {
    return `TEBN(${this.numFeatures}, timeSteps=${this.timeSteps})`;
  }
}
