import { Module, SpikeflowError, batchNormTrain, tf, type Tensor } from '@spikeflow/core';
import { checkFeatures, checkNormInput, checkStepInput, normSettings, stepCount, type NormOptions } from './channel-stats.js';

export interface BNTTOptions extends NormOptions {
  /** Number of time steps T (statistics and γ per step). */
  readonly timeSteps: number;
  /** Learn a shift β per step too. Default false: BNTT learns only γ[t]. */
  readonly bias?: boolean;
}

/**
 * Batch normalisation through time (BNTT, Kim & Panda 2021) on `[T, B, C]` or `[T, B, H, W, C]`:
 * every time step t has its own statistics (over B and space) and its own γ[t], so
 * `y[t] = γ[t]·(x[t] − μ[t])/√(σ²[t] + ε) (+ β[t])`. Parameters `weight [T, C]` (and `bias [T, C]`);
 * buffers `running_mean [T, C]`, `running_var [T, C]`, each row updated with PyTorch's rule.
 *
 * @example
 * ```ts
 * const bn = new BNTT(64, { timeSteps: 4 });
 * const y = bn.forward(x); // x [4, B, H, W, 64]
 * ```
 */
export class BNTT extends Module {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable | null;
  readonly runningMean: tf.Variable;
  readonly runningVar: tf.Variable;
  readonly eps: number;
  readonly momentum: number;
  readonly timeSteps: number;

  constructor(
    readonly numFeatures: number,
    options: BNTTOptions,
  ) {
    super();
    checkFeatures('BNTT', numFeatures);
    this.timeSteps = stepCount('BNTT', options?.timeSteps, 'statistics per step');
    ({ eps: this.eps, momentum: this.momentum } = normSettings('BNTT', options));
    const T = this.timeSteps;
    this.weight = this.registerParameter('weight', tf.ones([T, numFeatures]));
    this.bias = options.bias ? this.registerParameter('bias', tf.zeros([T, numFeatures])) : null;
    this.runningMean = this.registerBuffer('running_mean', tf.zeros([T, numFeatures]));
    this.runningVar = this.registerBuffer('running_var', tf.ones([T, numFeatures]));
  }

  override forward(x: Tensor): Tensor {
    checkNormInput(this.describe(), x, this.numFeatures);
    const T = this.timeSteps;
    const C = this.numFeatures;
    checkStepInput(this.describe(), x, T);
    if (!this.training) {
      const bshape = [T, ...Array<number>(x.rank - 2).fill(1), C];
      const scale = tf.mul(tf.rsqrt(tf.add(this.runningVar, this.eps)), this.weight);
      const shift = tf.sub(this.bias ?? 0, tf.mul(this.runningMean, scale));
      return tf.add(tf.mul(x, tf.reshape(scale, bshape)), tf.reshape(shift, bshape));
    }
    const x3 = tf.reshape(x, [T, -1, C]);
    const n = x3.shape[1]!;
    if (n < 2) throw new SpikeflowError('shape-mismatch', `${this.describe()}: expected more than 1 value per channel and step when training, got [${x.shape}]`);
    // tfjs cannot differentiate unstack of a single slice, so T = 1 takes a reshape.
    const steps = T === 1 ? [tf.reshape(x3, [n, C])] : tf.unstack(x3, 0);
    const weights = T === 1 ? [tf.reshape(this.weight, [C])] : tf.unstack(this.weight, 0);
    const biases = this.bias ? (T === 1 ? [tf.reshape(this.bias, [C])] : tf.unstack(this.bias, 0)) : null;
    const ys: Tensor[] = [];
    const means: Tensor[] = [];
    const vars: Tensor[] = [];
    for (let t = 0; t < T; t++) {
      const { y, mean, variance } = batchNormTrain(steps[t], weights[t], biases ? biases[t] : null, this.eps);
      ys.push(y);
      means.push(mean);
      vars.push(variance);
    }
    const m = this.momentum;
    tf.tidy(() => {
      this.runningMean.assign(tf.add(tf.mul(this.runningMean, 1 - m), tf.mul(tf.stack(means), m)));
      this.runningVar.assign(tf.add(tf.mul(this.runningVar, 1 - m), tf.mul(tf.stack(vars), (m * n) / (n - 1))));
    });
    tf.dispose([...means, ...vars]);
    return tf.reshape(T === 1 ? tf.expandDims(ys[0], 0) : tf.stack(ys), x.shape);
  }

  override describe(): string {
    return `BNTT(${this.numFeatures}, timeSteps=${this.timeSteps}${this.bias ? ', bias=true' : ''})`;
  }
}
